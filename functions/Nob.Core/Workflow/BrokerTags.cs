namespace Nob.Core.Workflow;

/// <summary>
/// The tags nob puts on a broker it creates: the network it was created for (so teardown deletes only nob's brokers, and a
/// lost execution history does not make them anyone's), and the SSM version of the password its common user was last given
/// (so a rotation is seen).
/// </summary>
public static class BrokerTags
{
    public const string Network = "nob:network";

    public const string PasswordVersion = "nob:password-version";

    /// <summary>A parameter version as the <see cref="PasswordVersion"/> tag holds it.</summary>
    public static string Version(long version) => version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>True when the broker's tag says its common user already has this version of the password.</summary>
    public static bool HasPasswordVersion(BrokerDescription broker, long version) =>
        broker.Tags.TryGetValue(PasswordVersion, out var tagged) && tagged == Version(version);

    /// <summary>True when nob created this broker for this network (it carries the network tag).</summary>
    public static bool CreatedFor(BrokerDescription broker, string networkName) =>
        broker.Tags.TryGetValue(Network, out var tag) && tag == networkName;
}
