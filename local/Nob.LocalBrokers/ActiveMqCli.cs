using System.Text.RegularExpressions;

namespace Nob.LocalBrokers;

/// <summary>What a consumer run received.</summary>
/// <param name="Received">How many messages arrived before the consumer stopped.</param>
/// <param name="Bodies">Their text bodies, in arrival order.</param>
/// <param name="TimedOut">True when the consumer was stopped by the time limit before getting all it asked for.</param>
/// <param name="Output">Everything the CLI printed.</param>
public sealed record ConsumeResult(int Received, IReadOnlyList<string> Bodies, bool TimedOut, string Output);

/// <summary>The ActiveMQ CLI failed: could not connect, was refused (wrong password), or crashed.</summary>
public sealed class ActiveMqCliException(string message, string output) : Exception(message)
{
    public string Output { get; } = output;
}

/// <summary>
/// ActiveMQ's own command line clients, as in the Amazon MQ tutorial's last step: <c>activemq producer …</c> and
/// <c>activemq consumer …</c> (tasks of bin/activemq.jar), trusting the local brokers' certificate.
/// </summary>
public sealed partial class ActiveMqCli
{
    private readonly ActiveMqInstallation _installation;
    private readonly TlsMaterial _tls;
    private readonly string _baseDirectory;
    private readonly string _maxHeap;

    /// <param name="workDirectory">Scratch folder for the CLI's ACTIVEMQ_BASE (logging configuration, temp files).</param>
    public ActiveMqCli(ActiveMqInstallation installation, TlsMaterial tls, string workDirectory, string maxHeap = "64m")
    {
        ArgumentNullException.ThrowIfNull(installation);
        ArgumentNullException.ThrowIfNull(tls);
        _installation = installation;
        _tls = tls;
        _maxHeap = maxHeap;
        _baseDirectory = Path.GetFullPath(workDirectory);
        var conf = Path.Combine(_baseDirectory, "conf");
        EmbeddedFiles.WriteTo(conf, "cli-log4j.properties");
        EmbeddedFiles.WriteTo(conf, "cli-log4j2.properties");
    }

    /// <summary>How long a producer run may take before it is killed and reported as failed.</summary>
    public TimeSpan ProducerTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// <c>activemq producer --brokerUrl URL --user U --password P --destination D --messageCount N [--message TEXT]
    /// --persistent true</c>. Returns how many messages it reports as produced; throws <see cref="ActiveMqCliException"/>
    /// (with the broker's reason, e.g. "User name [x] or password is invalid") when it fails.
    /// </summary>
    /// <param name="destination"><c>queue://NAME</c> or <c>topic://NAME</c>.</param>
    public async Task<int> ProduceAsync(
        string brokerUrl, string user, string password, string destination, int messageCount,
        string? message = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(messageCount);
        var arguments = TaskArguments("producer", brokerUrl, user, password, destination, messageCount);
        arguments.AddRange(["--persistent", "true"]);
        if (message is not null)
        {
            arguments.AddRange(["--message", message]);
        }
        var result = await RunAsync(arguments, ProducerTimeout, cancellationToken).ConfigureAwait(false);
        if (result.TimedOut)
        {
            throw new ActiveMqCliException(
                $"producer to {destination} on {brokerUrl} did not finish within {ProducerTimeout.TotalSeconds:0} s: {Reason(result.Output)}", result.Output);
        }
        var produced = ProducedPattern().Matches(result.Output).Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        if (!result.Succeeded || produced == 0)
        {
            throw new ActiveMqCliException(
                $"producer to {destination} on {brokerUrl} failed (exit code {result.ExitCode}): {Reason(result.Output)}", result.Output);
        }
        return produced;
    }

    /// <summary>
    /// <c>activemq consumer --brokerUrl URL --user U --password P --destination D --messageCount N</c>, stopped after
    /// <paramref name="timeout"/> if fewer than N messages arrive. Returns how many arrived.
    /// </summary>
    public async Task<int> ConsumeAsync(
        string brokerUrl, string user, string password, string destination, int messageCount, TimeSpan timeout,
        CancellationToken cancellationToken = default) =>
        (await ReceiveAsync(brokerUrl, user, password, destination, messageCount, timeout, cancellationToken).ConfigureAwait(false)).Received;

    /// <summary>Like <see cref="ConsumeAsync"/>, with the message bodies and the CLI's output.</summary>
    public async Task<ConsumeResult> ReceiveAsync(
        string brokerUrl, string user, string password, string destination, int messageCount, TimeSpan timeout,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(messageCount);
        var arguments = TaskArguments("consumer", brokerUrl, user, password, destination, messageCount);
        var result = await RunAsync(arguments, timeout, cancellationToken).ConfigureAwait(false);
        var bodies = ReceivedPattern().Matches(result.Output).Select(m => m.Groups[1].Value.TrimEnd('\r')).ToList();
        if (!result.TimedOut && !result.Succeeded)
        {
            throw new ActiveMqCliException(
                $"consumer of {destination} on {brokerUrl} failed (exit code {result.ExitCode}): {Reason(result.Output)}", result.Output);
        }
        return new ConsumeResult(bodies.Count, bodies, result.TimedOut, result.Output);
    }

    private static List<string> TaskArguments(string task, string brokerUrl, string user, string password, string destination, int messageCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(brokerUrl);
        if (!destination.StartsWith("queue://", StringComparison.Ordinal) && !destination.StartsWith("topic://", StringComparison.Ordinal))
        {
            throw new ArgumentException($"destination must be queue://NAME or topic://NAME, got \"{destination}\"", nameof(destination));
        }
        return
        [
            task,
            "--brokerUrl", brokerUrl,
            "--user", user,
            "--password", password,
            "--destination", destination,
            "--messageCount", messageCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ];
    }

    private Task<ProcessResult> RunAsync(List<string> taskArguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var arguments = new List<string>(_tls.ClientJvmOptions);
        arguments.AddRange(JvmArguments.For(_installation, _baseDirectory, _maxHeap, "cli-log4j"));
        arguments.AddRange(taskArguments);
        return ProcessRunner.RunAsync(_installation.JavaExecutable, arguments, timeout, _baseDirectory, cancellationToken);
    }

    /// <summary>The most telling line of a failed run: the innermost "Caused by", else the first exception line.</summary>
    private static string Reason(string output)
    {
        var lines = output.Split('\n').Select(l => l.Trim()).ToList();
        var cause = lines.LastOrDefault(l => l.StartsWith("Caused by:", StringComparison.Ordinal))
            ?? lines.FirstOrDefault(l => ExceptionLinePattern().IsMatch(l))
            ?? lines.LastOrDefault(l => l.Length > 0)
            ?? "(no output)";
        return cause;
    }

    [GeneratedRegex(@"^NOB\|ProducerThread\|[^|]*\|\S+ Produced: (\d+) messages", RegexOptions.Multiline)]
    private static partial Regex ProducedPattern();

    [GeneratedRegex(@"^NOB\|ConsumerThread\|[^|]*\|\S+ Received (.*)$", RegexOptions.Multiline)]
    private static partial Regex ReceivedPattern();

    [GeneratedRegex(@"^(\S+\.)+\w*(Exception|Error)\b")]
    private static partial Regex ExceptionLinePattern();
}
