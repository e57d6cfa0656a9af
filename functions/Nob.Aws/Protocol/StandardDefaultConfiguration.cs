using System.Collections.ObjectModel;
using Amazon.Runtime;

namespace Nob.Aws.Protocol;

/// <summary>The SDK's standard "defaults modes" (all use the standard retry mode), as generated clients declare them.</summary>
internal static class StandardDefaultConfiguration
{
    private static DefaultConfiguration Mode(DefaultConfigurationMode name, double connectMs) => new()
    {
        Name = name,
        RetryMode = RequestRetryMode.Standard,
        S3UsEast1RegionalEndpoint = S3UsEast1RegionalEndpointValue.Regional,
        ConnectTimeout = TimeSpan.FromMilliseconds(connectMs),
        TlsNegotiationTimeout = TimeSpan.FromMilliseconds(connectMs),
        TimeToFirstByteTimeout = null,
        HttpRequestTimeout = null,
    };

    public static ReadOnlyCollection<IDefaultConfiguration> All { get; } = new(new List<IDefaultConfiguration>
    {
        Mode(DefaultConfigurationMode.Standard, 3100),
        Mode(DefaultConfigurationMode.InRegion, 1100),
        Mode(DefaultConfigurationMode.CrossRegion, 3100),
        Mode(DefaultConfigurationMode.Mobile, 30000),
        Mode(DefaultConfigurationMode.Auto, 1100),
    });
}
