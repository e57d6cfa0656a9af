using Nob.Testing.Brokers;

namespace Nob.TopologyProofs.Tests;

/// <summary>This assembly's real-broker tests share one <see cref="RealBrokerFixture"/> (one TLS identity, one folder).</summary>
[CollectionDefinition(Name)]
public sealed class BrokerCollection : ICollectionFixture<RealBrokerFixture>
{
    public const string Name = "Planned networks on real ActiveMQ brokers";
}
