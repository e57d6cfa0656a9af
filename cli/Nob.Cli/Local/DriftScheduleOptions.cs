using Nob.LocalCloud.Schedule;

namespace Nob.Cli.Local;

/// <summary>
/// <c>--drift-rate EXPR</c> and <c>--drift-schedule enabled|disabled</c> of <c>nob cloud</c> and <c>nob up</c>: the values
/// of the template's DriftCheckRate and DriftCheckScheduleEnabled for the endpoint that starts (as
/// <c>sam deploy --parameter-overrides</c> gives them on AWS).
/// </summary>
public sealed record DriftScheduleOptions(string? Rate, bool? Enabled)
{
    public const string Usage = """
          --drift-rate      EXPR: how often the endpoint's drift schedule runs check-drift, e.g. 'rate(1 minute)'
                            or 'cron(0 3 * * ? *)' (EventBridge Scheduler's rate or cron; default the template's
                            DriftCheckRate, rate(6 hours)); for nob up, when it starts the endpoint
          --drift-schedule  enabled|disabled: whether that schedule runs (default the template's, enabled)
        """;

    public static DriftScheduleOptions None { get; } = new(null, null);

    public bool IsNone => Rate is null && Enabled is null;

    /// <summary>
    /// Takes the drift options out of <paramref name="args"/>, leaving the rest in order; an error (missing or bad value,
    /// an expression EventBridge Scheduler or the template's DriftCheckRate refuses) is returned, not thrown.
    /// </summary>
    public static (string[] Remaining, DriftScheduleOptions Options, string? Error) Extract(string[] args)
    {
        var rest = new List<string>();
        string? rate = null;
        bool? enabled = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--drift-rate" when i + 1 < args.Length:
                    rate = args[++i];
                    if (Validate(rate) is { } problem)
                    {
                        return (args, None, $"--drift-rate {problem}");
                    }

                    break;
                case "--drift-rate":
                    return (args, None, "--drift-rate needs an expression, e.g. 'rate(1 minute)'");
                case "--drift-schedule" when i + 1 < args.Length && args[i + 1] is "enabled" or "disabled":
                    enabled = args[++i] == "enabled";
                    break;
                case "--drift-schedule":
                    return (args, None, "--drift-schedule takes enabled or disabled");
                default:
                    rest.Add(args[i]);
                    break;
            }
        }

        return ([.. rest], new DriftScheduleOptions(rate, enabled), null);
    }

    /// <summary>Why the expression cannot be the drift schedule's, or null when it can.</summary>
    public static string? Validate(string expression)
    {
        try
        {
            ScheduleExpression.Parse(expression);
        }
        catch (ScheduleExpressionException e)
        {
            return e.Message;
        }

        // The template's DriftCheckRate allows a rate or cron expression (its AllowedPattern), not a one-time at().
        return expression.StartsWith("rate(", StringComparison.Ordinal) || expression.StartsWith("cron(", StringComparison.Ordinal)
            ? null
            : $"\"{expression}\": the drift schedule takes a rate or cron expression (the template's DriftCheckRate)";
    }

    /// <summary>The options as <c>nob cloud</c> arguments, for the endpoint <c>nob up</c> starts in the background.</summary>
    public IEnumerable<string> Arguments()
    {
        if (Rate is not null)
        {
            yield return "--drift-rate";
            yield return Rate;
        }

        if (Enabled is { } on)
        {
            yield return "--drift-schedule";
            yield return on ? "enabled" : "disabled";
        }
    }
}
