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

/// <summary>The SSM parameter that holds the common user's password does not exist.</summary>
public sealed class PasswordParameterMissingException(string parameterName)
    : Exception($"The SSM parameter \"{parameterName}\" (user.passwordParameter, the common user's password) does not exist; create it as a SecureString "
        + $"(aws ssm put-parameter --name {parameterName} --type SecureString --value ...) and run the build again")
{
    public string ParameterName { get; } = parameterName;
}
