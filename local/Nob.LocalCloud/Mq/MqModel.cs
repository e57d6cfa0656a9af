namespace Nob.LocalCloud.Mq;

/// <summary>Everything the Amazon MQ side keeps in <c>mq.json</c>.</summary>
internal sealed class MqData
{
    public List<BrokerRecord> Brokers { get; set; } = [];

    public List<ConfigurationRecord> Configurations { get; set; } = [];
}

internal sealed class BrokerRecord
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public string Arn { get; set; } = "";

    /// <summary>The state as persisted (a host restart shows RUNNING brokers as REBOOT_IN_PROGRESS until their processes are back).</summary>
    public string State { get; set; } = "";

    public string? CreatorRequestId { get; set; }

    public DateTimeOffset Created { get; set; }

    public string EngineVersion { get; set; } = "";

    public string HostInstanceType { get; set; } = "";

    public string DeploymentMode { get; set; } = "";

    public bool PubliclyAccessible { get; set; }

    public bool AutoMinorVersionUpgrade { get; set; }

    public string StorageType { get; set; } = "EFS";

    public string AuthenticationStrategy { get; set; } = "simple";

    public List<string> SubnetIds { get; set; } = [];

    public List<string> SecurityGroups { get; set; } = [];

    public List<string>? PendingSecurityGroups { get; set; }

    public string? PendingEngineVersion { get; set; }

    public string? PendingHostInstanceType { get; set; }

    public Dictionary<string, string> Tags { get; set; } = [];

    public bool GeneralLogs { get; set; }

    public bool AuditLogs { get; set; }

    public MaintenanceWindow MaintenanceWindow { get; set; } = new();

    public ConfigRef Current { get; set; } = new();

    public ConfigRef? Pending { get; set; }

    public List<ConfigRef> History { get; set; } = [];

    public List<UserRecord> Users { get; set; } = [];

    /// <summary>One per instance (two for ACTIVE_STANDBY_MULTI_AZ); ports stay the same for the broker's life.</summary>
    public List<InstanceRecord> Instances { get; set; } = [];

    /// <summary>Set in CRITICAL_ACTION_REQUIRED.</summary>
    public string? ActionRequiredCode { get; set; }

    public string? ActionRequiredInfo { get; set; }

    /// <summary>Local only: why creation failed or a restart went wrong (the broker log's last lines).</summary>
    public string? StatusReason { get; set; }

    public bool IsActiveStandby => DeploymentMode == "ACTIVE_STANDBY_MULTI_AZ";
}

internal sealed class MaintenanceWindow
{
    public string DayOfWeek { get; set; } = "SUNDAY";

    public string TimeOfDay { get; set; } = "00:00";

    public string TimeZone { get; set; } = "UTC";
}

internal sealed class ConfigRef
{
    public string Id { get; set; } = "";

    public int Revision { get; set; }

    public bool SameAs(ConfigRef? other) => other is not null && other.Id == Id && other.Revision == Revision;
}

internal sealed class UserRecord
{
    public string Username { get; set; } = "";

    /// <summary>SecretBox ciphertext of the password.</summary>
    public string EncryptedPassword { get; set; } = "";

    public bool ConsoleAccess { get; set; }

    public List<string> Groups { get; set; } = [];

    /// <summary>CREATE until the next reboot for users added to an existing broker; UPDATE for a changed user.</summary>
    public string? PendingChange { get; set; }

    /// <summary>UpdateUser's new password (SecretBox ciphertext), applied at the next reboot as Amazon MQ does.</summary>
    public string? PendingEncryptedPassword { get; set; }

    /// <summary>UpdateUser's console access, applied at the next reboot.</summary>
    public bool? PendingConsoleAccess { get; set; }

    /// <summary>UpdateUser's groups, applied at the next reboot.</summary>
    public List<string>? PendingGroups { get; set; }
}

internal sealed class InstanceRecord
{
    public int OpenWirePort { get; set; }

    public int StompPort { get; set; }
}

internal sealed class ConfigurationRecord
{
    public string Id { get; set; } = "";

    public string Arn { get; set; } = "";

    public string Name { get; set; } = "";

    public string? Description { get; set; }

    public string EngineVersion { get; set; } = "";

    public string AuthenticationStrategy { get; set; } = "simple";

    public DateTimeOffset Created { get; set; }

    public Dictionary<string, string> Tags { get; set; } = [];

    public List<RevisionRecord> Revisions { get; set; } = [];

    public RevisionRecord Latest => Revisions[^1];
}

internal sealed class RevisionRecord
{
    public int Revision { get; set; }

    public DateTimeOffset Created { get; set; }

    public string? Description { get; set; }

    /// <summary>The configuration XML as stored (after sanitizing).</summary>
    public string Xml { get; set; } = "";
}
