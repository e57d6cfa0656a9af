namespace Nob.Core.Workflow;

// Step outcomes the state machine retries or catches by name: an exception thrown by a .NET handler surfaces in
// Step Functions with its class's short name as the error name. Keep these names stable; the ASL refers to them.
// Messages name the broker and the reason, never a secret.

/// <summary>A broker is not usable for the network: wrong engine or mode, being deleted, a replica, or needs action.</summary>
public sealed class BrokerNotUsableException(string brokerName, string reason) : Exception($"Broker \"{brokerName}\" cannot be used: {reason}")
{
    public string BrokerName { get; } = brokerName;
}

/// <summary>Amazon MQ reports CREATION_FAILED for a broker we created or adopted.</summary>
public sealed class BrokerCreationFailedException(string brokerName, string brokerId)
    : Exception($"Broker \"{brokerName}\" ({brokerId}) is CREATION_FAILED; see its Amazon MQ events, delete it, and run the workflow again")
{
    public string BrokerName { get; } = brokerName;
}

/// <summary>A broker did not become RUNNING within polling.timeoutMinutes.</summary>
public sealed class BrokerWaitTimedOutException(string brokerName, string state, int polls, TimeSpan waited)
    : Exception($"Broker \"{brokerName}\" was still {state} after {Minutes(waited)} and {polls} checks (polling.timeoutMinutes)")
{
    public string BrokerName { get; } = brokerName;

    static string Minutes(TimeSpan waited) => waited.TotalMinutes >= 1 ? $"{waited.TotalMinutes:0} min" : $"{waited.TotalSeconds:0} s";
}

/// <summary>Amazon MQ accepted a revision but stripped parts of it (UpdateConfiguration warnings).</summary>
public sealed class ConfigurationRejectedException(string brokerName, int revision, IReadOnlyList<ConfigurationWarning> warnings)
    : Exception($"Amazon MQ stripped parts of revision {revision} of broker \"{brokerName}\"'s configuration: {string.Join("; ", warnings)}")
{
    public string BrokerName { get; } = brokerName;
    public IReadOnlyList<ConfigurationWarning> Warnings { get; } = warnings;
}

/// <summary>A step needs a broker that the earlier steps should have created.</summary>
public sealed class BrokerMissingException(string brokerName) : Exception($"Broker \"{brokerName}\" does not exist (was it deleted while the workflow ran?)")
{
    public string BrokerName { get; } = brokerName;
}

/// <summary>
/// Another revision of a broker's configuration (a console edit, another network's build) kept landing while nob wrote
/// its own on top of the newest one, <see cref="ConfigurationRevisionWriter.MaxAttempts"/> times: nob set none of them
/// rather than drop someone's edit.
/// </summary>
public sealed class ConfigurationConflictException(string brokerName, string configurationId, int basedOn, int latest, int attempts)
    : Exception($"Broker \"{brokerName}\"'s configuration {configurationId} kept changing while nob wrote its connectors: {attempts} times another " +
        $"revision landed after the one nob built on (last: built on revision {basedOn}, revision {latest} landed). Nothing anyone wrote was dropped; " +
        "let the other edits (console users, other nob runs on this broker) finish, then run the build again")
{
    public string BrokerName { get; } = brokerName;
}

/// <summary>After its reboot a broker runs another configuration revision than the one nob set (someone set theirs meanwhile).</summary>
public sealed class BrokerRevisionMismatchException(string brokerName, ConfigurationRef expected, ConfigurationRef? actual)
    : Exception($"Broker \"{brokerName}\" was rebooted to run configuration {expected.Id} revision {expected.Revision}, but it runs " +
        (actual is null ? "no configuration" : $"{(actual.Id == expected.Id ? "" : $"configuration {actual.Id} ")}revision {actual.Revision}") +
        "; someone else set a revision on it meanwhile. Check its revisions in Amazon MQ, then run the build again (it merges nob's connectors onto the newest revision)")
{
    public string BrokerName { get; } = brokerName;
    public ConfigurationRef Expected { get; } = expected;
    public ConfigurationRef? Actual { get; } = actual;
}

/// <summary>The SSM parameter that holds the common user's password does not exist.</summary>
public sealed class PasswordParameterMissingException(string parameterName)
    : Exception($"The SSM parameter \"{parameterName}\" (user.passwordParameter, the common user's password) does not exist; create it as a SecureString "
        + $"(aws ssm put-parameter --name {parameterName} --type SecureString --value ...) and run the build again")
{
    public string ParameterName { get; } = parameterName;
}
