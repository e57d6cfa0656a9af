using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nob.LocalCloud.Http;

namespace Nob.LocalCloud.States;

/// <summary>Step Functions' checks of request members, with its error codes and messages.</summary>
internal static class StatesArns
{
    /// <summary>The model's bound on <c>input</c> (and Step Functions' payload quota, 256 KiB of UTF-8).</summary>
    public const int MaxInput = 262144;

    public static ServiceError Validation(string message) => new(400, "ValidationException", $"1 validation error detected: {message}");

    public static string Required(JsonObject request, string member, int max = 256)
    {
        var value = Json.String(request, member) ?? throw Validation($"Value null at '{member}' failed to satisfy constraint: Member must not be null");
        return Bounded(value, member, 1, max);
    }

    public static string? Optional(JsonObject request, string member, int min, int max) =>
        Json.String(request, member) is { } value ? Bounded(value, member, min, max) : null;

    public static string Bounded(string value, string member, int min, int max) =>
        value.Length < min ? throw Validation($"Value '{value}' at '{member}' failed to satisfy constraint: Member must have length greater than or equal to {min}")
        : value.Length > max ? throw Validation($"Value at '{member}' failed to satisfy constraint: Member must have length less than or equal to {max}")
        : value;

    /// <summary>maxResults: 0 to 1000; 0 or absent means the operation's default.</summary>
    public static int MaxResults(JsonObject request, int defaultValue)
    {
        var max = Json.Int(request, "maxResults") ?? 0;
        if (max is < 0 or > 1000)
        {
            throw Validation($"Value '{max}' at 'maxResults' failed to satisfy constraint: Member must have value {(max < 0 ? "greater than or equal to 0" : "less than or equal to 1000")}");
        }

        return max == 0 ? defaultValue : max;
    }

    /// <summary><c>arn:aws:states:REGION:ACCOUNT:stateMachine:NAME</c>.</summary>
    public static void CheckStateMachineArn(string arn)
    {
        if (Parts(arn) is not { Length: 7 } parts || parts[5] != "stateMachine" || parts[6].Length == 0)
        {
            throw new ServiceError(400, "InvalidArn", $"Invalid Arn: '{arn}'");
        }
    }

    /// <summary><c>arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME</c>.</summary>
    public static void CheckExecutionArn(string arn)
    {
        if (Parts(arn) is not { Length: 8 } parts || parts[5] != "execution" || parts[6].Length == 0 || parts[7].Length == 0)
        {
            throw new ServiceError(400, "InvalidArn", $"Invalid Arn: '{arn}'");
        }
    }

    private static string[]? Parts(string arn)
    {
        var parts = arn.Split(':');
        return parts.Length >= 7 && parts[0] == "arn" && parts[1].StartsWith("aws", StringComparison.Ordinal) && parts[2] == "states" && parts[3].Length > 0 && parts[4].Length > 0
            ? parts
            : null;
    }

    /// <summary>
    /// An execution name: 1 to 80 characters, none of white space, brackets, wildcards, the special characters
    /// <c>"#%\^|~`$&amp;,;:/</c> or control characters (Step Functions' rule).
    /// </summary>
    public static void CheckName(string name, string member)
    {
        Bounded(name, member, 1, 80);
        foreach (var c in name)
        {
            if (char.IsWhiteSpace(c) || "<>{}[]?*\"#%\\^|~`$&,;:/".Contains(c, StringComparison.Ordinal) || c <= '\u001f' || c is >= '\u007f' and <= '\u009f')
            {
                throw new ServiceError(400, "InvalidName", $"Invalid Name: '{name}'");
            }
        }
    }

    /// <summary>Input: JSON text of at most 256 KiB (UTF-8).</summary>
    public static void CheckInput(string input)
    {
        if (input.Length > MaxInput)
        {
            throw Validation($"Value at 'input' failed to satisfy constraint: Member must have length less than or equal to {MaxInput}");
        }

        if (Encoding.UTF8.GetByteCount(input) > MaxInput)
        {
            throw new ServiceError(400, "InvalidExecutionInput", $"Invalid State Machine Execution Input: the input is larger than {MaxInput} bytes");
        }

        try
        {
            using var _ = JsonDocument.Parse(input);
        }
        catch (JsonException e)
        {
            throw new ServiceError(400, "InvalidExecutionInput", $"Invalid State Machine Execution Input: '{e.Message}'");
        }
    }
}
