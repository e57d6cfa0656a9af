using System.Text.Json;
using Nob.Core.Workflow;

namespace Nob.Core.Lifecycle;

/// <summary>Report drift: the check's findings plus a failed bridge verification, with InSync and DetailType recomputed.</summary>
public sealed class ReportDriftStep(TimeProvider time)
{
    /// <param name="verificationError">Error and Cause of a failed Verify task (the ASL's Catch); null when it passed or was skipped.</param>
    public DriftReport Run(DriftReport report, VerificationResult? verification, (string? Error, string? Cause)? verificationError)
    {
        var findings = report.Findings.ToList();
        if (verificationError is { } failure)
        {
            findings.Add(new DriftFinding(DriftKinds.BridgeFailed, null, $"bridge verification failed: {Message(failure.Error, failure.Cause)}"));
        }
        else if (verification is { Status: not ("PASSED" or "SKIPPED") })
        {
            findings.Add(new DriftFinding(DriftKinds.BridgeFailed, null, $"bridge verification reported {verification.Status}: {verification.Detail}"));
        }
        return DriftReport.From(report.NetworkName, findings, time.GetUtcNow());
    }

    /// <summary>A Lambda error's Cause is JSON ({"errorType","errorMessage",…}); other errors (States.Timeout) carry plain text.</summary>
    static string Message(string? error, string? cause)
    {
        if (cause is { } c && c.TrimStart().StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(c);
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("errorMessage", out var message) && message.ValueKind == JsonValueKind.String)
                    return message.GetString()!;
            }
            catch (JsonException)
            {
                // not JSON after all: shown as it is below
            }
        }
        return (error, cause) switch
        {
            ({ } e, { Length: > 0 } text) => $"{e}: {text}",
            ({ } e, _) => e,
            (null, { } text) => text,
            _ => "no error given",
        };
    }
}
