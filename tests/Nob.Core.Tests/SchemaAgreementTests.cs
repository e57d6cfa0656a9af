using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Nob.Core.Configuration;
using Nob.Core.Specs;

namespace Nob.Core.Tests;

/// <summary>The published JSON Schema (API clients, API Gateway models) and the validator must agree on structure.</summary>
public class SchemaAgreementTests
{
    static readonly JsonSchema Schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(Repo.Root, "schema", "network-spec.schema.json")));

    static bool SchemaAccepts(string json) =>
        Schema.Evaluate(JsonDocument.Parse(json).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Flag }).IsValid;

    public static TheoryData<string> Examples() => [.. Repo.ExampleNames()];

    [Theory]
    [MemberData(nameof(Examples))]
    public void Schema_ExampleSpec_IsAccepted(string example) => Assert.True(SchemaAccepts(Repo.Example(example)));

    /// <summary>Edits of the tutorial spec that break its structure: both the schema and the reader must refuse each.</summary>
    public static TheoryData<string, string> StructuralBreaks() => new()
    {
        { "unknown root field", """{"colour": "blue"}""" },
        { "network name with space", """{"networkName": "my net"}""" },
        { "network name too long", $$"""{"networkName": "{{new string('n', 41)}}"}""" },
        { "unknown topology", """{"topology": {"type": "ring"}}""" },
        { "source-sink without sinks", """{"topology": {"type": "source-sink", "sources": ["MyBroker1"]}}""" },
        { "hub field on mesh", """{"topology": {"type": "mesh", "hub": "MyBroker1"}}""" },
        { "broker name with space", """{"brokers": [{"name": "My Broker"}, {"name": "MyBroker2"}]}""" },
        { "one broker", """{"brokers": [{"name": "MyBroker1"}]}""" },
        { "unknown broker field", """{"brokers": [{"name": "MyBroker1", "size": 3}, {"name": "MyBroker2"}]}""" },
        { "bad deployment mode", """{"brokerDefaults": {"deploymentMode": "CLUSTER_MULTI_AZ"}}""" },
        { "RabbitMQ version", """{"brokerDefaults": {"engineVersion": "3.13"}}""" },
        { "six security groups", """{"brokerDefaults": {"securityGroups": ["sg-1","sg-2","sg-3","sg-4","sg-5","sg-6"]}}""" },
        { "password in user", """{"user": {"username": "u1", "passwordParameter": "/p", "password": "x"}}""" },
        { "user without parameter", """{"user": {"username": "u1"}}""" },
        { "unknown connector attribute", """{"connectorOptions": {"reconnectDelay": 5}}""" },
        { "connector uri override", """{"connectorOptions": {"uri": "static:(ssl://x:1)"}}""" },
        { "duplex as text", """{"connectorOptions": {"duplex": "yes"}}""" },
        { "control character in destinationFilter", """{"connectorOptions": {"destinationFilter": "Queue.\u0001>"}}""" },
        { "negative networkTTL", """{"connectorOptions": {"networkTTL": -5}}""" },
        { "unlimited messageTTL", """{"connectorOptions": {"messageTTL": -1}}""" },
        { "consumerTTL past the broker bound", """{"connectorOptions": {"consumerTTL": 42}}""" },
        { "prefetchSize zero", """{"connectorOptions": {"prefetchSize": 0}}""" },
        { "plaintext localUri", """{"connectorOptions": {"localUri": "tcp://localhost:61616"}}""" },
        { "plaintext brokerURL", """{"connectorOptions": {"brokerURL": "tcp://b.example:61616"}}""" },
        { "empty brokerName", """{"connectorOptions": {"brokerName": ""}}""" },
        { "markup in objectName", """{"connectorOptions": {"objectName": "a:b=<c>"}}""" },
        { "polling interval zero", """{"polling": {"intervalSeconds": 0}}""" },
        { "polling linger 21", """{"polling": {"lingerSeconds": 21}}""" },
        { "polling rate zero", """{"polling": {"maxRequestsPerSecond": 0}}""" },
        { "polling expected creation zero", """{"polling": {"expectedCreationSeconds": 0}}""" },
        { "polling expected reboot text", """{"polling": {"expectedRebootSeconds": "5 min"}}""" },
        { "polling expected deletion zero", """{"polling": {"expectedDeletionSeconds": 0}}""" },
        { "verification timeout text", """{"verification": {"timeoutSeconds": "30"}}""" },
        { "verification concurrency zero", """{"verification": {"maxConcurrency": 0}}""" },
        { "verification concurrency 129", """{"verification": {"maxConcurrency": 129}}""" },
    };

    [Theory]
    [MemberData(nameof(StructuralBreaks))]
    public void SchemaAndReader_StructuralBreak_BothReject(string why, string patch)
    {
        var spec = JsonNode.Parse(Repo.Example("tutorial"))!.AsObject();
        foreach (var (key, value) in JsonNode.Parse(patch)!.AsObject()) spec[key] = value?.DeepClone();
        var json = spec.ToJsonString();

        Assert.False(SchemaAccepts(json), $"schema accepted: {why}");
        Assert.False(SpecReader.Read(json).IsValid, $"reader accepted: {why}");
    }

    [Fact]
    public void Schema_ConnectorOptions_StateTheReadersRuleForEveryAttribute()
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Root, "schema", "network-spec.schema.json")))!;
        var properties = schema["properties"]!["connectorOptions"]!["properties"]!.AsObject();
        Assert.Equal(ConnectorOptionRules.Options.Keys.Order(StringComparer.Ordinal), properties.Select(p => p.Key).Order(StringComparer.Ordinal));
        foreach (var (name, rule) in ConnectorOptionRules.Options)
        {
            var property = properties[name]!;
            switch (rule.Kind)
            {
                case NetworkConnectorRules.AttributeKind.Boolean:
                    Assert.Equal("boolean", (string?)property["type"]);
                    break;
                case NetworkConnectorRules.AttributeKind.Integer:
                    Assert.Equal("integer", (string?)property["type"]);
                    Assert.True(rule.Minimum == (int?)property["minimum"] && rule.Maximum == (int?)property["maximum"], $"{name}: the schema's range differs");
                    break;
                default:
                    Assert.Equal("string", (string?)property["type"]);
                    Assert.True(rule.Pattern == (string?)property["pattern"] && rule.MaxLength == (int?)property["maxLength"] && (int?)property["minLength"] == 1, $"{name}: the schema's pattern or length differs");
                    break;
            }
        }
    }

    [Fact]
    public void Schema_Brokers_AllowAtMostTheReadersBound() =>
        Assert.Equal(SpecReader.MaxBrokersPerNetwork, (int?)JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Root, "schema", "network-spec.schema.json")))!["properties"]!["brokers"]!["maxItems"]);

    [Fact]
    public void SchemaAndReader_EveryPollingField_BothAccept()
    {
        var spec = JsonNode.Parse(Repo.Example("tutorial"))!.AsObject();
        spec["polling"] = JsonNode.Parse("""
            {"intervalSeconds": 20, "timeoutMinutes": 90, "expectedCreationSeconds": 1200, "expectedRebootSeconds": 420,
             "expectedDeletionSeconds": 240, "lingerSeconds": 5, "maxRequestsPerSecond": 8}
            """);
        var json = spec.ToJsonString();

        Assert.True(SchemaAccepts(json));
        Assert.True(SpecReader.Read(json).IsValid);
    }
}
