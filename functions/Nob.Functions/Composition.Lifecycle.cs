using Amazon.SimpleSystemsManagement;
using Nob.Aws;
using Nob.Aws.Adapters;
using Nob.Core.Lifecycle;

namespace Nob.Functions;

internal static partial class Composition
{
    static readonly Lazy<INetworkStore> networks = new(() => new SsmNetworkStore(new AmazonSimpleSystemsManagementClient(NobClientDefaults.Apply(new AmazonSimpleSystemsManagementConfig()))));

    /// <summary>The stored network records (SSM parameters under /nob/networks).</summary>
    public static INetworkStore Networks => networks.Value;
}
