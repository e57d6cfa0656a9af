using Nob.LocalBrokers;

namespace Nob.LocalCloud;

/// <summary>How a <see cref="LocalCloud"/> runs.</summary>
public sealed record LocalCloudOptions
{
    /// <summary>Where state (JSON files), the secret key, TLS material and the brokers' folders live. Required.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>TCP port on 127.0.0.1; 0 picks a free one (see <see cref="LocalCloud.Port"/>).</summary>
    public int Port { get; init; }

    /// <summary>The region in ARNs and names (requests may be signed for any region).</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>The account in ARNs and owner ids.</summary>
    public string AccountId { get; init; } = "000000000000";

    /// <summary>The one VPC every security group and subnet lives in.</summary>
    public string VpcId { get; init; } = "vpc-local";

    /// <summary>Where the brokers' TLS identity is made and reused; default DataDirectory/tls. Share one folder to save keytool runs.</summary>
    public string? TlsDirectory { get; init; }

    /// <summary>ActiveMQ and Java; default: <see cref="ActiveMqInstallation.Locate()"/>.</summary>
    public ActiveMqInstallation? Installation { get; init; }

    /// <summary>How broker JVMs run (heap, start timeout). Keep heaps small.</summary>
    public LocalBrokerOptions BrokerOptions { get; init; } = LocalBrokerOptions.Default;

    /// <summary>Faults in force from the start.</summary>
    public FaultSettings? Faults { get; init; }

    /// <summary>Receives one line per broker lifecycle event (never secrets); null: silent.</summary>
    public Action<string>? Log { get; init; }
}
