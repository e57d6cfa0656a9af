namespace Nob.Aws.Mq.Model;

/// <summary>Model shape <c>ConfigurationId</c>: <c>{id, revision}</c>.</summary>
public sealed record ConfigurationId
{
    /// <summary><c>id</c> (required).</summary>
    public required string Id { get; init; }

    /// <summary><c>revision</c>; when omitted Amazon MQ uses the latest revision.</summary>
    public int? Revision { get; init; }
}

/// <summary>Model shape <c>Configurations</c>: the broker's <c>current</c>, <c>pending</c> and <c>history</c>.</summary>
public sealed record Configurations
{
    public ConfigurationId? Current { get; init; }

    public ConfigurationId? Pending { get; init; }

    public IReadOnlyList<ConfigurationId> History { get; init; } = [];
}

/// <summary>Model shape <c>ConfigurationRevision</c>.</summary>
public sealed record ConfigurationRevision
{
    public int? Revision { get; init; }

    public DateTimeOffset? Created { get; init; }

    public string? Description { get; init; }
}

/// <summary>Model shape <c>BrokerInstance</c>: <c>consoleURL</c>, <c>endpoints</c>, <c>ipAddress</c>.</summary>
public sealed record BrokerInstance
{
    /// <summary><c>consoleURL</c> (capital URL on the wire).</summary>
    public string? ConsoleUrl { get; init; }

    /// <summary><c>endpoints</c>, e.g. <c>ssl://b-…-1.mq.eu-west-1.amazonaws.com:61617</c>.</summary>
    public IReadOnlyList<string> Endpoints { get; init; } = [];

    public string? IpAddress { get; init; }
}

/// <summary>Model shape <c>ActionRequired</c>.</summary>
public sealed record ActionRequired
{
    public string? ActionRequiredCode { get; init; }

    public string? ActionRequiredInfo { get; init; }
}

/// <summary>Model shape <c>UserSummary</c>.</summary>
public sealed record UserSummary
{
    public string? Username { get; init; }

    /// <summary><c>pendingChange</c>: CREATE, UPDATE or DELETE.</summary>
    public string? PendingChange { get; init; }
}

/// <summary>Model shape <c>UserPendingChanges</c>.</summary>
public sealed record UserPendingChanges
{
    public bool? ConsoleAccess { get; init; }

    public IReadOnlyList<string> Groups { get; init; } = [];

    public string? PendingChange { get; init; }
}

/// <summary>Model shape <c>Logs</c> (also <c>PendingLogs</c>).</summary>
public sealed record Logs
{
    public bool? Audit { get; init; }

    public bool? General { get; init; }
}

/// <summary>Model shape <c>LogsSummary</c>.</summary>
public sealed record LogsSummary
{
    public bool? Audit { get; init; }

    public string? AuditLogGroup { get; init; }

    public bool? General { get; init; }

    public string? GeneralLogGroup { get; init; }

    public Logs? Pending { get; init; }
}

/// <summary>Model shape <c>WeeklyStartTime</c>.</summary>
public sealed record WeeklyStartTime
{
    /// <summary><c>dayOfWeek</c>, e.g. SUNDAY (required).</summary>
    public required string DayOfWeek { get; init; }

    /// <summary><c>timeOfDay</c>, 24-hour <c>HH:MM</c> (required).</summary>
    public required string TimeOfDay { get; init; }

    public string? TimeZone { get; init; }
}

/// <summary>Model shape <c>EncryptionOptions</c>.</summary>
public sealed record EncryptionOptions
{
    public string? KmsKeyId { get; init; }

    /// <summary><c>useAwsOwnedKey</c> (required).</summary>
    public required bool UseAwsOwnedKey { get; init; }
}

/// <summary>Model shape <c>SanitizationWarning</c>: what Amazon MQ removed from a configuration.</summary>
public sealed record SanitizationWarning
{
    public string? AttributeName { get; init; }

    public string? ElementName { get; init; }

    /// <summary><c>reason</c>; see <see cref="SanitizationWarningReasons"/>.</summary>
    public string? Reason { get; init; }
}

/// <summary>Model shape <c>BrokerSummary</c> (an item of ListBrokers).</summary>
public sealed record BrokerSummary
{
    public string? BrokerArn { get; init; }

    public string? BrokerId { get; init; }

    public string? BrokerName { get; init; }

    public string? BrokerState { get; init; }

    public DateTimeOffset? Created { get; init; }

    public string? DeploymentMode { get; init; }

    public string? EngineType { get; init; }

    public string? HostInstanceType { get; init; }
}

/// <summary>
/// Model shape <c>User</c> for CreateBroker. Holds a password: <see cref="ToString"/> never prints it.
/// </summary>
public sealed class User
{
    /// <summary><c>username</c> (required).</summary>
    public required string Username { get; init; }

    /// <summary><c>password</c> (required). Never printed.</summary>
    public required string Password { get; init; }

    public bool? ConsoleAccess { get; init; }

    public IReadOnlyList<string>? Groups { get; init; }

    public override string ToString()
        => $"User {{ Username = {Username}, Password = {Redaction.Mask}, ConsoleAccess = {ConsoleAccess?.ToString() ?? "null"}, Groups = [{string.Join(", ", Groups ?? [])}] }}";
}

/// <summary>How secrets are printed.</summary>
public static class Redaction
{
    /// <summary>The text shown instead of a secret.</summary>
    public const string Mask = "***";
}
