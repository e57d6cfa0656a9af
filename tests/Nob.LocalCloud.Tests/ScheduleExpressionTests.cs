using System.Globalization;
using Nob.LocalCloud.Schedule;

namespace Nob.LocalCloud.Tests;

public sealed class ScheduleExpressionTests
{
    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static readonly DateTimeOffset Activated = Utc("2026-03-01T12:00:00Z");

    [Theory]
    [InlineData("rate(1 minute)", 60)]
    [InlineData("rate(5 minutes)", 300)]
    [InlineData("rate(1 hour)", 3600)]
    [InlineData("rate(6 hours)", 21600)]
    [InlineData("rate(1 day)", 86400)]
    [InlineData("rate(2 days)", 172800)]
    public void Parse_Rate_PeriodIsValueTimesUnit(string text, int seconds)
    {
        var rate = Assert.IsType<RateExpression>(ScheduleExpression.Parse(text));
        Assert.Equal(TimeSpan.FromSeconds(seconds), rate.Period);
    }

    [Fact]
    public void Next_Rate_FirstRunAtActivationThenEveryPeriodFromIt()
    {
        var rate = ScheduleExpression.Parse("rate(5 minutes)");
        Assert.Equal(Activated, rate.Next(Activated, Activated));
        Assert.Equal(Activated, rate.Next(Activated.AddHours(-1), Activated));
        Assert.Equal(Activated.AddMinutes(5), rate.Next(Activated.AddTicks(1), Activated));
        Assert.Equal(Activated.AddMinutes(5), rate.Next(Activated.AddMinutes(5), Activated));
        Assert.Equal(Activated.AddMinutes(25), rate.Next(Activated.AddMinutes(21).AddSeconds(7), Activated));
    }

    [Theory]
    [InlineData("rate(1 minutes)", "singular for 1")]
    [InlineData("rate(5 minute)", "singular for 1")]
    [InlineData("rate(0 minutes)", "at least 1")]
    [InlineData("rate(5 weeks)", "minute(s), hour(s) or day(s), not \"weeks\"")]
    [InlineData("rate(5  minutes)", "one space")]
    [InlineData("rate(-5 minutes)", "positive whole number")]
    [InlineData("every 5 minutes", "not a schedule expression")]
    [InlineData("cron(0 12 * * *)", "six fields")]
    [InlineData("cron(0 12 * * ? * *)", "six fields")]
    [InlineData("cron(0 12 * * * *)", "exactly one of day-of-month and day-of-week must be ?")]
    [InlineData("cron(0 12 ? * ? *)", "exactly one of day-of-month and day-of-week must be ?")]
    [InlineData("cron(60 12 * * ? *)", "minutes \"60\" is not a value from 0 to 59")]
    [InlineData("cron(0 24 * * ? *)", "hours \"24\" is not a value from 0 to 23")]
    [InlineData("cron(0 12 * FOO ? *)", "month \"FOO\" is not a value from 1 to 12 or JAN-DEC")]
    [InlineData("cron(0 12 * * ? 2200)", "year \"2200\" is not a value from 1970 to 2199")]
    [InlineData("cron(0 22-2 * * ? *)", "a range that wraps around")]
    [InlineData("cron(0 12 ? * FRI-MON *)", "a range that wraps around")]
    [InlineData("cron(0/0 12 * * ? *)", "step after / must be a whole number of at least 1")]
    [InlineData("cron(0 12 L-3 * ? *)", "L-n offsets are not run here")]
    [InlineData("cron(0 12 1,LW * ? *)", "stand alone")]
    [InlineData("cron(0 12 ? * 2#6 *)", "# takes the week of the month, 1 to 5")]
    [InlineData("cron(0 12 ? * 8 *)", "day-of-week \"8\" is not a value from 1 to 7 or SUN-SAT")]
    [InlineData("cron(0 12 32W * ? *)", "W takes a day from 1 to 31")]
    [InlineData("at(2030-02-30T10:00:00)", "a valid date and time")]
    [InlineData("at(2030-01-01 10:00:00)", "at(yyyy-mm-ddThh:mm:ss)")]
    public void Parse_WhatEventBridgeOrThisEndpointRefuses_SaysWhy(string text, string expected)
    {
        var e = Assert.Throws<ScheduleExpressionException>(() => ScheduleExpression.Parse(text));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains(text.Length > 12 ? text[..12] : text, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseTimeZone_Unknown_Refused()
    {
        var e = Assert.Throws<ScheduleExpressionException>(() => ScheduleExpression.Parse("rate(1 day)", "Mars/Olympus_Mons"));
        Assert.Contains("\"Mars/Olympus_Mons\" is not a time zone", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    // every day at 10:00; a start on the minute counts, a start within it looks from the next
    [InlineData("cron(0 10 * * ? *)", "2026-03-01T10:00:00Z", "2026-03-01T10:00:00Z")]
    [InlineData("cron(0 10 * * ? *)", "2026-03-01T10:00:01Z", "2026-03-02T10:00:00Z")]
    [InlineData("cron(0/15 * * * ? *)", "2026-03-01T10:07:00Z", "2026-03-01T10:15:00Z")]
    [InlineData("cron(5/20 * * * ? *)", "2026-03-01T10:26:00Z", "2026-03-01T10:45:00Z")]
    [InlineData("cron(10-30/10 3 * * ? *)", "2026-03-01T03:21:00Z", "2026-03-01T03:30:00Z")]
    [InlineData("cron(0 8,17 * * ? *)", "2026-03-01T09:00:00Z", "2026-03-01T17:00:00Z")]
    // MON-FRI from Saturday 2026-02-28: Monday 2026-03-02; day-of-week numbers (2-6) say the same
    [InlineData("cron(0 8 ? * MON-FRI *)", "2026-02-28T09:00:00Z", "2026-03-02T08:00:00Z")]
    [InlineData("cron(0 8 ? * 2-6 *)", "2026-02-28T09:00:00Z", "2026-03-02T08:00:00Z")]
    [InlineData("cron(0 8 ? * 1 *)", "2026-03-02T00:00:00Z", "2026-03-08T08:00:00Z")]
    [InlineData("cron(0 0 1 jan,jul ? *)", "2026-03-01T00:00:00Z", "2026-07-01T00:00:00Z")]
    [InlineData("cron(0 0 1 1 ? 2028-2030)", "2026-03-01T00:00:00Z", "2028-01-01T00:00:00Z")]
    [InlineData("cron(0 0 29 2 ? *)", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z")]
    // L: last day of the month; LW: last weekday (2026-02-28 is a Saturday); 1W: 2026-08-01 is a Saturday, so Monday the 3rd
    [InlineData("cron(0 0 L * ? *)", "2026-04-01T00:00:00Z", "2026-04-30T00:00:00Z")]
    [InlineData("cron(0 0 LW * ? *)", "2026-02-01T00:00:00Z", "2026-02-27T00:00:00Z")]
    [InlineData("cron(0 0 1W * ? *)", "2026-07-02T00:00:00Z", "2026-08-03T00:00:00Z")]
    // 31W: May 2026 ends on a Sunday (Friday the 29th); months of 30 days have no day 31
    [InlineData("cron(0 0 31W * ? *)", "2026-04-01T00:00:00Z", "2026-05-29T00:00:00Z")]
    [InlineData("cron(0 0 15W * ? *)", "2026-03-01T00:00:00Z", "2026-03-16T00:00:00Z")]
    // 6L: the month's last Friday; 2#1: its first Monday; 3#2: its second Tuesday; L: Saturday, the week's last day
    [InlineData("cron(15 10 ? * 6L 2026)", "2026-03-01T00:00:00Z", "2026-03-27T10:15:00Z")]
    [InlineData("cron(0 9 ? * 2#1 *)", "2026-03-03T00:00:00Z", "2026-04-06T09:00:00Z")]
    [InlineData("cron(0 9 ? * TUE#2 *)", "2026-04-01T00:00:00Z", "2026-04-14T09:00:00Z")]
    [InlineData("cron(0 9 ? * L *)", "2026-03-02T00:00:00Z", "2026-03-07T09:00:00Z")]
    public void Next_Cron_FirstMatchingMinute(string text, string from, string expected)
    {
        Assert.Equal(Utc(expected), ScheduleExpression.Parse(text).Next(Utc(from), Activated));
    }

    [Fact]
    public void Next_CronPastItsLastYear_None()
    {
        Assert.Null(ScheduleExpression.Parse("cron(0 0 1 1 ? 2026)").Next(Utc("2026-03-01T00:00:00Z"), Activated));
    }

    [Fact]
    public void Next_CronInTimeZone_RunsOnThatWallClockAcrossDaylightSavingTime()
    {
        // 10:00 in Paris is 09:00 UTC in winter, 08:00 UTC in summer (2026-03-29 the clocks go forward).
        var paris = ScheduleExpression.Parse("cron(0 10 * * ? *)", "Europe/Paris");
        Assert.Equal(Utc("2026-03-28T09:00:00Z"), paris.Next(Utc("2026-03-28T00:00:00Z"), Activated));
        Assert.Equal(Utc("2026-03-29T08:00:00Z"), paris.Next(Utc("2026-03-28T09:00:01Z"), Activated));
    }

    [Fact]
    public void Next_CronOnATimeTheClocksSkip_SkippedThatDay()
    {
        // New York, 2026-03-08: 02:00 becomes 03:00, so 02:30 does not happen that day.
        var ny = ScheduleExpression.Parse("cron(30 2 * * ? *)", "America/New_York");
        Assert.Equal(Utc("2026-03-09T06:30:00Z"), ny.Next(Utc("2026-03-07T08:00:00Z"), Activated));
    }

    [Fact]
    public void Next_CronOnATimeTheClocksRepeat_RunsOnceAtTheFirst()
    {
        // New York, 2026-11-01: 01:00-01:59 happens twice (EDT, then EST); 01:30 runs at the first (05:30 UTC) only.
        var ny = ScheduleExpression.Parse("cron(30 1 * * ? *)", "America/New_York");
        Assert.Equal(Utc("2026-11-01T05:30:00Z"), ny.Next(Utc("2026-11-01T04:00:00Z"), Activated));
        Assert.Equal(Utc("2026-11-02T06:30:00Z"), ny.Next(Utc("2026-11-01T05:31:00Z"), Activated));
    }

    [Fact]
    public void Next_At_OnceAtThatWallClockTime()
    {
        var at = ScheduleExpression.Parse("at(2030-01-01T10:00:00)", "Europe/Paris");
        Assert.Equal(Utc("2030-01-01T09:00:00Z"), at.Next(Utc("2029-12-31T00:00:00Z"), Activated));
        Assert.Equal(Utc("2030-01-01T09:00:00Z"), at.Next(Utc("2030-01-01T09:00:00Z"), Activated));
        Assert.Null(at.Next(Utc("2030-01-01T09:00:01Z"), Activated));
        Assert.Equal(Utc("2030-01-01T10:00:00Z"), ScheduleExpression.Parse("at(2030-01-01T10:00:00)").Next(Utc("2029-01-01T00:00:00Z"), Activated));
    }

    [Fact]
    public void Parse_AtATimeTheClocksSkip_Refused()
    {
        var e = Assert.Throws<ScheduleExpressionException>(() => ScheduleExpression.Parse("at(2026-03-08T02:30:00)", "America/New_York"));
        Assert.Contains("does not exist in America/New_York", e.Message, StringComparison.Ordinal);
    }
}
