using System.Globalization;
using System.Text.RegularExpressions;

namespace Nob.LocalCloud.Schedule;

/// <summary>A schedule expression or time zone EventBridge Scheduler would refuse, or a form this endpoint does not run.</summary>
public sealed class ScheduleExpressionException(string message) : ArgumentException(message);

/// <summary>
/// An EventBridge Scheduler schedule expression (<c>rate(value unit)</c>, <c>cron(minutes hours day-of-month month
/// day-of-week year)</c>, <c>at(yyyy-mm-ddThh:mm:ss)</c>) in its time zone (<c>ScheduleExpressionTimezone</c>, default
/// UTC), and when it runs.
/// </summary>
public abstract partial class ScheduleExpression
{
    private protected ScheduleExpression(string text, TimeZoneInfo timeZone)
    {
        Text = text;
        TimeZone = timeZone;
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    public TimeZoneInfo TimeZone { get; }

    /// <summary>
    /// The first run at or after <paramref name="from"/> of a schedule that became active (created, or enabled) at
    /// <paramref name="activatedAt"/>; null when it runs no more.
    /// </summary>
    public abstract DateTimeOffset? Next(DateTimeOffset from, DateTimeOffset activatedAt);

    public override string ToString() => Text;

    /// <summary>Parses <paramref name="text"/> as EventBridge Scheduler does, or throws <see cref="ScheduleExpressionException"/> saying what is wrong.</summary>
    public static ScheduleExpression Parse(string text, string? timeZone = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var zone = ParseTimeZone(timeZone);
        if (text.StartsWith("rate(", StringComparison.Ordinal) && text.EndsWith(')'))
        {
            return RateExpression.Parse(text, zone);
        }

        if (text.StartsWith("cron(", StringComparison.Ordinal) && text.EndsWith(')'))
        {
            return CronExpression.Parse(text, zone);
        }

        if (text.StartsWith("at(", StringComparison.Ordinal) && text.EndsWith(')'))
        {
            return AtExpression.Parse(text, zone);
        }

        throw new ScheduleExpressionException($"\"{text}\" is not a schedule expression: use rate(value unit), cron(minutes hours day-of-month month day-of-week year) or at(yyyy-mm-ddThh:mm:ss)");
    }

    /// <summary>An IANA time zone name (what ScheduleExpressionTimezone takes); null or empty: UTC.</summary>
    public static TimeZoneInfo ParseTimeZone(string? name)
    {
        if (string.IsNullOrEmpty(name) || name == "UTC")
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ScheduleExpressionException($"\"{name}\" is not a time zone this machine knows (use an IANA name such as Europe/Paris, or UTC)");
        }
    }
}

/// <summary>
/// <c>rate(value unit)</c>: every value minutes, hours or days (a day is 24 hours, whatever daylight saving time does),
/// counted from when the schedule became active. Without a StartDate EventBridge Scheduler "starts invoking its target
/// immediately" (EventBridge Scheduler User Guide, Schedule types, Rate-based schedules), so the first run is the moment
/// of activation.
/// </summary>
public sealed partial class RateExpression : ScheduleExpression
{
    private RateExpression(string text, TimeZoneInfo zone, TimeSpan period)
        : base(text, zone) => Period = period;

    public TimeSpan Period { get; }

    [GeneratedRegex(@"^rate\((\d+) ([a-z]+)\)$")]
    private static partial Regex Form();

    internal static RateExpression Parse(string text, TimeZoneInfo zone)
    {
        var match = Form().Match(text);
        if (!match.Success)
        {
            throw new ScheduleExpressionException($"\"{text}\": a rate expression is rate(value unit), a positive whole number, one space and minute(s), hour(s) or day(s)");
        }

        if (!int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
        {
            throw new ScheduleExpressionException($"\"{text}\": the rate's value must be a whole number of at least 1");
        }

        var unit = match.Groups[2].Value;
        var singular = unit.TrimEnd('s');
        var step = singular switch
        {
            "minute" => TimeSpan.FromMinutes(1),
            "hour" => TimeSpan.FromHours(1),
            "day" => TimeSpan.FromDays(1),
            _ => throw new ScheduleExpressionException($"\"{text}\": the rate's unit must be minute(s), hour(s) or day(s), not \"{unit}\""),
        };
        if ((value == 1) != (unit == singular))
        {
            throw new ScheduleExpressionException($"\"{text}\": the unit is singular for 1 and plural above (rate(1 {singular}), rate({Math.Max(value, 2)} {singular}s))");
        }

        return new RateExpression(text, zone, step * value);
    }

    public override DateTimeOffset? Next(DateTimeOffset from, DateTimeOffset activatedAt)
    {
        if (from <= activatedAt)
        {
            return activatedAt;
        }

        var periods = (from - activatedAt).Ticks / Period.Ticks;
        var candidate = activatedAt + (Period * periods);
        return candidate >= from ? candidate : candidate + Period;
    }
}

/// <summary><c>at(yyyy-mm-ddThh:mm:ss)</c>: once, at that wall-clock time in the schedule's time zone.</summary>
public sealed partial class AtExpression : ScheduleExpression
{
    private AtExpression(string text, TimeZoneInfo zone, DateTimeOffset when)
        : base(text, zone) => When = when;

    public DateTimeOffset When { get; }

    [GeneratedRegex(@"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")]
    private static partial Regex Form();

    internal static AtExpression Parse(string text, TimeZoneInfo zone)
    {
        var match = Form().Match(text);
        if (!match.Success || !DateTime.TryParseExact(match.Groups[1].Value, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            throw new ScheduleExpressionException($"\"{text}\": a one-time expression is at(yyyy-mm-ddThh:mm:ss), a valid date and time");
        }

        if (zone.IsInvalidTime(local))
        {
            throw new ScheduleExpressionException($"\"{text}\": {local:yyyy-MM-dd HH:mm:ss} does not exist in {zone.Id} (the clocks skip it)");
        }

        return new AtExpression(text, zone, CronExpression.FirstInstant(local, zone));
    }

    /// <summary>Its one run if that is still ahead of <paramref name="from"/> (a time already past never runs).</summary>
    public override DateTimeOffset? Next(DateTimeOffset from, DateTimeOffset activatedAt) => When >= from ? When : null;
}
