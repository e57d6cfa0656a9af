namespace Nob.Core.Lifecycle;

// Named outcomes of the lifecycle workflows (drift checks, teardown); the ASL catches them by class short name.
// Messages name the network or broker, never a secret.

/// <summary>No record is stored for the network (it was never built by nob, or was torn down).</summary>
public sealed class NetworkNotFoundException(string networkName, string? detail = null)
    : Exception(detail ?? $"Network \"{networkName}\" is not stored under {NetworkRecord.ParameterPath}; run build-network first")
{
    public string NetworkName { get; } = networkName;
}

/// <summary>A broker did not finish deleting or unwiring within polling.timeoutMinutes.</summary>
public sealed class TeardownTimedOutException(string brokerName, string state, int polls, TimeSpan waited)
    : Exception($"Teardown of broker \"{brokerName}\" was not done after {Minutes(waited)} and {polls} checks; it is still {state} (polling.timeoutMinutes)")
{
    public string BrokerName { get; } = brokerName;

    static string Minutes(TimeSpan waited) => waited.TotalMinutes >= 1 ? $"{waited.TotalMinutes:0} min" : $"{waited.TotalSeconds:0} s";
}

/// <summary>Even compressed, the record does not fit one Advanced parameter (8 KB).</summary>
public sealed class NetworkRecordTooLargeException(string networkName, int characters)
    : Exception($"The record of network \"{networkName}\" takes {characters} characters even compressed; a parameter holds at most {NetworkRecordCodec.MaxValueLength}. Use fewer brokers or a shorter spec")
{
    public string NetworkName { get; } = networkName;
}
