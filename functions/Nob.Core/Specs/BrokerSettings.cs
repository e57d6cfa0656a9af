namespace Nob.Core.Specs;

/// <summary>The optional settings shared by brokerDefaults and each broker; null members mean "not given".</summary>
internal sealed record BrokerSettings(string? EngineVersion, string? HostInstanceType, string? DeploymentMode, List<string>? SubnetIds, List<string>? SecurityGroups, bool? PubliclyAccessible)
{
    public static readonly BrokerSettings None = new(null, null, null, null, null, null);
}
