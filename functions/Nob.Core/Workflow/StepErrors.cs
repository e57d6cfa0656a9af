namespace Nob.Core.Workflow;

// Step outcomes the state machine retries or catches by name: an exception thrown by a .NET handler surfaces in
// Step Functions with its class's short name as the error name. Keep these names stable; the ASL refers to them.
// Messages name the broker and the reason, never a secret.

/// <summary>A broker is not usable for the network: wrong engine or mode, being deleted, a replica, or needs action.</summary>
public sealed class BrokerNotUsableException(string brokerName, string reason) : Exception($"Broker \"{brokerName}\" cannot be used: {reason}")
{
    public string BrokerName { get; } = brokerName;
}

/// <summary>
/// Amazon MQ reports CREATION_FAILED for a broker nob created, and nob already deleted and created it again
/// <paramref name="recreations"/> times in this run (<see cref="BrokerRecreation.MaxRecreations"/>); outside a build's
/// creation loop (no recreation there) at once.
/// </summary>
public sealed class BrokerCreationFailedException(string brokerName, string brokerId, int recreations = 0)
    : Exception($"Broker \"{brokerName}\" ({brokerId}) is CREATION_FAILED{(recreations > 0 ? $" after nob deleted it and created it again {recreations} time(s)" : "")}; see its Amazon MQ events, delete it, and run the workflow again")
{
    public string BrokerName { get; } = brokerName;
    public int Recreations { get; } = recreations;
}

/// <summary>A broker nob did not create (it lacks the network's tag) is CREATION_FAILED: nob never deletes what it adopted.</summary>
public sealed class AdoptedBrokerCreationFailedException(string brokerName, string brokerId)
    : Exception($"Broker \"{brokerName}\" ({brokerId}) is CREATION_FAILED and was not created by nob for this network, so nob will not delete it: "
        + "see its Amazon MQ events, then delete it (nob creates it anew) or fix it, and run the workflow again")
{
    public string BrokerName { get; } = brokerName;
}

/// <summary>
/// CreateBroker answered 409 (the name is taken) and the broker with the name is not one nob created for this network
/// (someone else created it meanwhile), or is gone again.
/// </summary>
public sealed class BrokerNameConflictException(string brokerName, string detail)
    : Exception($"Broker \"{brokerName}\" could not be created: the name is taken ({detail}); rename the broker in the spec, or delete the other broker, and run the workflow again")
{
    public string BrokerName { get; } = brokerName;
}

/// <summary>
/// The adapter's translation of CreateBroker's 409 ConflictException (the name is taken, e.g. a retried call whose
/// first attempt created the broker but lost its answer). EnsureBroker catches it and adopts the broker if it is nob's;
/// it never reaches the state machine.
/// </summary>
public sealed class BrokerNameTakenException(string brokerName, string message) : Exception($"Broker name \"{brokerName}\" is taken: {message}")
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
