using System.Globalization;

namespace Nob.LocalCloud.Schedule;

/// <summary>
/// <c>cron(minutes hours day-of-month month day-of-week year)</c>, EventBridge's six fields, evaluated on the wall clock
/// of the schedule's time zone. Every field takes <c>*</c>, <c>,</c>, <c>-</c> and <c>/</c>; month and day-of-week also
/// names (JAN-DEC, SUN-SAT; day-of-week 1 is Sunday). Exactly one of day-of-month and day-of-week is <c>?</c>.
/// Day-of-month also takes <c>L</c> (last day), <c>LW</c> (last weekday) and <c>nW</c> (the weekday nearest day n, within
/// the month); day-of-week <c>L</c> (Saturday, the week's last day), <c>nL</c> (the month's last day n) and <c>n#k</c>
/// (the k-th day n of the month). Those special forms stand alone in their field; <c>L-n</c> offsets and ranges that
/// wrap around (FRI-MON) are refused. Daylight saving time as EventBridge Scheduler handles it: a run on a wall-clock
/// time the clocks skip is skipped, and a time that occurs twice runs once (the first).
/// </summary>
public sealed class CronExpression : ScheduleExpression
{
    private const int FirstYear = 1970;
    private const int LastYear = 2199;

    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly bool[] _minutes;
    private readonly bool[] _hours;
    private readonly DayRule _days;
    private readonly bool[] _months;
    private readonly bool[] _years;

    private CronExpression(string text, TimeZoneInfo zone, bool[] minutes, bool[] hours, DayRule days, bool[] months, bool[] years)
        : base(text, zone)
    {
        _minutes = minutes;
        _hours = hours;
        _days = days;
        _months = months;
        _years = years;
    }

    internal static CronExpression Parse(string text, TimeZoneInfo zone)
    {
        var fields = text["cron(".Length..^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 6)
        {
            throw new ScheduleExpressionException($"\"{text}\": a cron expression has six fields (minutes hours day-of-month month day-of-week year), this one {fields.Length}");
        }

        var minutes = Values(text, "minutes", fields[0], 0, 59, null);
        var hours = Values(text, "hours", fields[1], 0, 23, null);
        var months = Values(text, "month", fields[3], 1, 12, MonthNames);
        var years = Values(text, "year", fields[5], FirstYear, LastYear, null);
        var (dayOfMonth, dayOfWeek) = (fields[2], fields[4]);
        if ((dayOfMonth == "?") == (dayOfWeek == "?"))
        {
            throw new ScheduleExpressionException($"\"{text}\": exactly one of day-of-month and day-of-week must be ? (a value or * in one, ? in the other)");
        }

        var days = dayOfWeek == "?" ? DayOfMonthRule(text, dayOfMonth) : DayOfWeekRule(text, dayOfWeek);
        return new CronExpression(text, zone, minutes, hours, days, months, years);
    }

    public override DateTimeOffset? Next(DateTimeOffset from, DateTimeOffset activatedAt)
    {
        var local = TimeZoneInfo.ConvertTime(from, TimeZone).DateTime;
        // Runs fall on whole minutes: a start within a minute looks from the next one.
        var start = new DateTime(local.Ticks - (local.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Unspecified);
        if (start < local)
        {
            start = start.AddMinutes(1);
        }

        for (var day = start.Date; day.Year <= LastYear; day = day.AddDays(1))
        {
            if (day.Year < FirstYear || !_years[day.Year - FirstYear] || !_months[day.Month - 1] || !_days.Matches(day))
            {
                continue;
            }

            for (var hour = day == start.Date ? start.Hour : 0; hour < 24; hour++)
            {
                if (!_hours[hour])
                {
                    continue;
                }

                for (var minute = day == start.Date && hour == start.Hour ? start.Minute : 0; minute < 60; minute++)
                {
                    if (!_minutes[minute])
                    {
                        continue;
                    }

                    var wallClock = day.AddHours(hour).AddMinutes(minute);
                    if (TimeZone.IsInvalidTime(wallClock))
                    {
                        continue;
                    }

                    // A wall-clock time the clocks pass twice runs at its first instant only (so a later "from" skips it).
                    var instant = FirstInstant(wallClock, TimeZone);
                    if (instant >= from)
                    {
                        return instant;
                    }
                }
            }
        }

        return null;
    }

    /// <summary>The first instant a wall-clock time of <paramref name="zone"/> shows (the earlier one when the clocks go back).</summary>
    internal static DateTimeOffset FirstInstant(DateTime wallClock, TimeZoneInfo zone)
    {
        var offset = zone.IsAmbiguousTime(wallClock) ? zone.GetAmbiguousTimeOffsets(wallClock).Max() : zone.GetUtcOffset(wallClock);
        return new DateTimeOffset(DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified), offset);
    }

    // ---- fields ----------------------------------------------------------------------------------------------

    /// <summary>A field of plain values: lists of <c>*</c>, n, n-m, with /step.</summary>
    private static bool[] Values(string text, string field, string value, int min, int max, string[]? names)
    {
        var allowed = new bool[max - min + 1];
        foreach (var part in value.Split(','))
        {
            var (range, stepText) = part.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? (part[..slash], part[(slash + 1)..]) : (part, null);
            int first, last;
            if (range == "*")
            {
                (first, last) = (min, max);
            }
            else if (range.IndexOf('-', StringComparison.Ordinal) is var dash and > 0)
            {
                first = Number(text, field, range[..dash], min, max, names);
                last = Number(text, field, range[(dash + 1)..], min, max, names);
                if (last < first)
                {
                    throw new ScheduleExpressionException($"\"{text}\": {field} \"{part}\": a range that wraps around is not run here; write it as two ranges ({range[..dash]}-{(names is null ? max : names[^1])},{(names is null ? min : names[0])}-{range[(dash + 1)..]})");
                }
            }
            else
            {
                first = Number(text, field, range, min, max, names);
                // n/step runs from n to the field's end.
                last = stepText is null ? first : max;
            }

            var step = 1;
            if (stepText is not null && (!int.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1))
            {
                throw new ScheduleExpressionException($"\"{text}\": {field} \"{part}\": the step after / must be a whole number of at least 1");
            }

            for (var v = first; v <= last; v += step)
            {
                allowed[v - min] = true;
            }
        }

        return allowed;
    }

    private static int Number(string text, string field, string value, int min, int max, string[]? names)
    {
        if (names is not null && Array.FindIndex(names, n => string.Equals(n, value, StringComparison.OrdinalIgnoreCase)) is var index and >= 0)
        {
            return index + min;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }

        var special = value.Contains('L', StringComparison.OrdinalIgnoreCase) || value.Contains('W', StringComparison.OrdinalIgnoreCase) || value.Contains('#', StringComparison.Ordinal);
        throw new ScheduleExpressionException(special
            ? $"\"{text}\": {field} \"{value}\": L, W and # stand alone in day-of-month or day-of-week (L-n offsets are not run here)"
            : $"\"{text}\": {field} \"{value}\" is not a value from {min} to {max}{(names is null ? "" : $" or {names[0]}-{names[^1]}")}");
    }

    private static DayRule DayOfMonthRule(string text, string value)
    {
        var upper = value.ToUpperInvariant();
        if (upper == "L")
        {
            return new DayRule(day => day.Day == DateTime.DaysInMonth(day.Year, day.Month));
        }

        if (upper == "LW")
        {
            return new DayRule(day => day == LastWeekday(day.Year, day.Month));
        }

        if (upper.EndsWith('W') && int.TryParse(upper[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var nearest))
        {
            if (nearest is < 1 or > 31)
            {
                throw new ScheduleExpressionException($"\"{text}\": day-of-month \"{value}\": W takes a day from 1 to 31");
            }

            return new DayRule(day => NearestWeekday(day.Year, day.Month, nearest) == day);
        }

        var days = Values(text, "day-of-month", value, 1, 31, null);
        return new DayRule(day => days[day.Day - 1]);
    }

    private static DayRule DayOfWeekRule(string text, string value)
    {
        var upper = value.ToUpperInvariant();
        if (upper == "L")
        {
            return new DayRule(day => day.DayOfWeek == DayOfWeek.Saturday);
        }

        if (upper.Length > 1 && upper.EndsWith('L') && !upper.Contains(',', StringComparison.Ordinal))
        {
            var weekday = Number(text, "day-of-week", upper[..^1], 1, 7, DayNames);
            return new DayRule(day => Weekday(day) == weekday && day.AddDays(7).Month != day.Month);
        }

        if (upper.IndexOf('#', StringComparison.Ordinal) is var hash and > 0)
        {
            var weekday = Number(text, "day-of-week", upper[..hash], 1, 7, DayNames);
            if (!int.TryParse(upper[(hash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var nth) || nth is < 1 or > 5)
            {
                throw new ScheduleExpressionException($"\"{text}\": day-of-week \"{value}\": # takes the week of the month, 1 to 5 (3#2: the second Tuesday)");
            }

            return new DayRule(day => Weekday(day) == weekday && ((day.Day - 1) / 7) + 1 == nth);
        }

        var days = Values(text, "day-of-week", value, 1, 7, DayNames);
        return new DayRule(day => days[Weekday(day) - 1]);
    }

    /// <summary>EventBridge's day-of-week number: 1 is Sunday, 7 Saturday.</summary>
    private static int Weekday(DateTime day) => (int)day.DayOfWeek + 1;

    private static DateTime LastWeekday(int year, int month)
    {
        var day = new DateTime(year, month, DateTime.DaysInMonth(year, month), 0, 0, 0, DateTimeKind.Unspecified);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            day = day.AddDays(-1);
        }

        return day;
    }

    /// <summary>The weekday nearest day <paramref name="n"/> without leaving the month; none when the month is shorter.</summary>
    private static DateTime? NearestWeekday(int year, int month, int n)
    {
        var length = DateTime.DaysInMonth(year, month);
        if (n > length)
        {
            return null;
        }

        var day = new DateTime(year, month, n, 0, 0, 0, DateTimeKind.Unspecified);
        return day.DayOfWeek switch
        {
            DayOfWeek.Saturday => n == 1 ? day.AddDays(2) : day.AddDays(-1),
            DayOfWeek.Sunday => n == length ? day.AddDays(-2) : day.AddDays(1),
            _ => day,
        };
    }

    private sealed class DayRule(Func<DateTime, bool> matches)
    {
        public bool Matches(DateTime day) => matches(day);
    }
}
