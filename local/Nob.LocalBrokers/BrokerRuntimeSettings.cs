namespace Nob.LocalBrokers;

/// <summary>An ActiveMQ broker user as Amazon MQ manages it (users are never part of the configuration XML).</summary>
public sealed record BrokerUser(string Username, string Password, IReadOnlyList<string> Groups)
{
    /// <summary>A user in the groups Amazon MQ gives a console user (<c>admin</c>, <c>users</c>).</summary>
    public BrokerUser(string username, string password)
        : this(username, password, ["admin", "users"])
    {
    }
}

/// <summary>What Amazon MQ owns when it turns a configuration revision into a running broker.</summary>
public sealed record BrokerRuntimeSettings
{
    /// <summary>ActiveMQ's brokerName. Unique within a network of brokers; shared by the two instances of an active/standby pair.</summary>
    public required string BrokerName { get; init; }

    /// <summary>The broker's data directory (temp storage, scheduler; KahaDB below it unless <see cref="KahaDbDirectory"/> is set).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>KahaDB's directory; an active/standby pair points both instances at the same one. Default: DataDirectory/kahadb.</summary>
    public string? KahaDbDirectory { get; init; }

    /// <summary>The OpenWire TLS port (<c>ssl://127.0.0.1:PORT</c>; 61617 on Amazon MQ).</summary>
    public required int OpenWirePort { get; init; }

    /// <summary>The STOMP TLS port (<c>stomp+ssl://127.0.0.1:PORT</c>; 61614 on Amazon MQ); null for none.</summary>
    public int? StompPort { get; init; }

    public required TlsMaterial Tls { get; init; }

    public required IReadOnlyList<BrokerUser> Users { get; init; }

    /// <summary>How often a standby retries KahaDB's lock (ActiveMQ's default is 10 s; Amazon MQ's failover is not that quick either).</summary>
    public TimeSpan LockAcquireInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The interface the transport connectors bind to.</summary>
    public string Host { get; init; } = "127.0.0.1";

    public string EffectiveKahaDbDirectory => KahaDbDirectory ?? Path.Combine(DataDirectory, "kahadb");

    public string OpenWireUri => $"ssl://{Host}:{OpenWirePort}";

    public string? StompUri => StompPort is { } port ? $"stomp+ssl://{Host}:{port}" : null;
}
