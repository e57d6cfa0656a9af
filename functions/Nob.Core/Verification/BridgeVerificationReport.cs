using System.Globalization;
using Nob.Core.Planning;
using Nob.Core.Workflow;

namespace Nob.Core.Verification;

/// <summary>What to verify: the planner's connected pairs, each broker's STOMP TLS endpoints, and the common user.</summary>
public sealed record BridgeVerificationRequest(
    string NetworkName,
    IReadOnlyList<ConnectedPair> Pairs,
    IReadOnlyDictionary<string, IReadOnlyList<string>> StompEndpoints,
    string Username,
    Secret Password)
{
    /// <summary>Every pair of <paramref name="plan"/> (<see cref="NetworkPlan.ConnectedPairs"/>).</summary>
    public static BridgeVerificationRequest For(
        NetworkPlan plan, IReadOnlyDictionary<string, IReadOnlyList<string>> stompEndpoints, string username, Secret password)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new BridgeVerificationRequest(plan.NetworkName, plan.ConnectedPairs, stompEndpoints, username, password);
    }
}

/// <summary>Where a pair's check stopped.</summary>
public enum PairStage
{
    ConnectReceiver,
    Subscribe,
    ConnectSender,
    Send,

    /// <summary>Sent, but the message did not arrive on the receiver in time.</summary>
    Receive,
}

/// <summary>The outcome for one connected pair: a message sent on <see cref="Sender"/> reached <see cref="Receiver"/>, or why not.</summary>
public sealed record PairVerification(
    string Sender,
    string Receiver,
    IReadOnlyList<string> Path,
    string Queue,
    bool Succeeded,
    TimeSpan? Latency,
    PairStage? FailedAt,
    string? Error,
    string? LikelyCauses,
    string? SenderEndpoint,
    string? ReceiverEndpoint)
{
    public string Name => $"{Sender} → {Receiver}";

    public override string ToString() => Succeeded
        ? $"{Name}: delivered in {Milliseconds(Latency)}"
        : $"{Name}: {Sentence(Error)}{(LikelyCauses is null ? "" : $" Likely causes: {LikelyCauses}")}";

    private static string Sentence(string? text) => text is null ? "failed." : text.EndsWith('.') ? text : text + ".";

    internal static string Milliseconds(TimeSpan? span) =>
        $"{(span ?? TimeSpan.Zero).TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms";
}

/// <summary>Every pair's outcome, in the order of the request's pairs.</summary>
public sealed record BridgeVerificationReport(string NetworkName, IReadOnlyList<PairVerification> Pairs, TimeSpan Timeout, TimeSpan Elapsed)
{
    public bool Succeeded => Pairs.All(p => p.Succeeded);

    public IReadOnlyList<PairVerification> Failures => [.. Pairs.Where(p => !p.Succeeded)];

    public override string ToString() =>
        $"network \"{NetworkName}\": {Pairs.Count - Failures.Count} of {Pairs.Count} connected pairs delivered" +
        string.Concat(Pairs.Select(p => $"{Environment.NewLine}- {p}"));
}

/// <summary>
/// At least one connected pair did not carry its test message. Step Functions sees this class's short name as the error
/// name: keep it stable. The message names each failed pair, what happened, and the likely causes; never a password.
/// </summary>
public sealed class BridgeVerificationFailedException(BridgeVerificationReport report) : Exception(Describe(report))
{
    public BridgeVerificationReport Report { get; } = report;

    public IReadOnlyList<PairVerification> Failures => Report.Failures;

    private static string Describe(BridgeVerificationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var failures = report.Failures;
        var passed = report.Pairs.Where(p => p.Succeeded).ToList();
        var seconds = report.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var lines = new List<string>
        {
            $"Bridge verification of network \"{report.NetworkName}\" failed for {failures.Count} of {report.Pairs.Count} connected pair(s) " +
            $"(each pair: a message sent on the sender must reach a consumer on the receiver within {seconds} s):",
        };
        lines.AddRange(failures.Take(MaxPairsNamed).Select(f => $"- {f}"));
        if (failures.Count > MaxPairsNamed)
        {
            lines.Add($"- and {failures.Count - MaxPairsNamed} more failed pair(s) (the report lists them all).");
        }
        if (passed.Count > 0)
        {
            var named = string.Join(", ", passed.Take(MaxPairsNamed).Select(p => $"{p.Name} ({PairVerification.Milliseconds(p.Latency)})"));
            lines.Add(passed.Count > MaxPairsNamed ? $"Delivered: {named} and {passed.Count - MaxPairsNamed} more." : $"Delivered: {named}.");
        }
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>
    /// Pairs the message names at most, failed and delivered each: the message is the failed task's error cause, which
    /// must fit the state machine's 256 KiB with room to spare (the largest network has 1,640 pairs).
    /// </summary>
    public const int MaxPairsNamed = 20;
}
