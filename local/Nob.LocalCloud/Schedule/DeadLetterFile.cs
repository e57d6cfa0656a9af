using System.Text;
using System.Text.Json.Nodes;
using Nob.LocalBrokers;

namespace Nob.LocalCloud.Schedule;

/// <summary>
/// The local stand-in for a schedule's dead-letter queue: one JSON line per invocation that could not start its target,
/// appended to a 0600 file in the data folder. Each line is the SQS message EventBridge Scheduler would send: the body is
/// the target's input, and the message attributes carry ERROR_CODE, ERROR_MESSAGE, EXECUTION_ID, RETRY_ATTEMPTS,
/// SCHEDULE_ARN and TARGET_ARN (the dead-letter event's attributes in EventBridge Scheduler's User Guide, Configuring a
/// dead-letter queue), beside the queue's ARN and when it was sent.
/// </summary>
internal sealed class DeadLetterFile(string path)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public const string FileName = "schedule-dead-letters.jsonl";

    public string Path { get; } = path;

    public async Task AppendAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        var line = new JsonObject
        {
            ["queueArn"] = letter.QueueArn,
            ["sentTimestamp"] = letter.SentAt.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["body"] = letter.Body,
            ["messageAttributes"] = new JsonObject
            {
                ["ERROR_CODE"] = letter.ErrorCode,
                ["ERROR_MESSAGE"] = letter.ErrorMessage,
                ["EXECUTION_ID"] = letter.InvocationId,
                ["RETRY_ATTEMPTS"] = letter.RetryAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["SCHEDULE_ARN"] = letter.ScheduleArn,
                ["TARGET_ARN"] = letter.TargetArn,
            },
        }.ToJsonString() + "\n";
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var stream = PrivateFiles.OpenAppend(Path);
            await stream.WriteAsync(Encoding.UTF8.GetBytes(line), cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>How many lines name <paramref name="scheduleArn"/> (a file another tool truncated or edited is read as it is).</summary>
    public int Count(string scheduleArn)
    {
        if (!File.Exists(Path))
        {
            return 0;
        }

        var count = 0;
        foreach (var line in File.ReadLines(Path))
        {
            try
            {
                if ((string?)JsonNode.Parse(line)?["messageAttributes"]?["SCHEDULE_ARN"] == scheduleArn)
                {
                    count++;
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // A line cut short by a crash while it was written counts for nothing.
            }
        }

        return count;
    }
}

internal sealed record DeadLetter(string? QueueArn, DateTimeOffset SentAt, string Body, string ErrorCode, string ErrorMessage, string InvocationId,
    int RetryAttempts, string ScheduleArn, string TargetArn);
