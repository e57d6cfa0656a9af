using System.Text.Json;
using Nob.Core.Lifecycle;

namespace Nob.Core.Tests;

public class NetworkRecordCodecTests
{
    static NetworkRecord Record(string specJson, int brokers = 2) => new(
        NetworkRecord.CurrentSchemaVersion, "net", specJson,
        [.. Enumerable.Range(1, brokers).Select(i => new StoredBroker($"Broker{i}", $"b-{i}", i % 2 == 0))],
        [.. Enumerable.Range(1, brokers - 1).Select(i => $"Broker{i} <==> Broker{i + 1}")],
        new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), "exec-1");

    static void AssertSame(NetworkRecord expected, NetworkRecord actual)
    {
        Assert.Equal((expected.SchemaVersion, expected.NetworkName, expected.SpecJson, expected.StoredAt, expected.ExecutionName),
            (actual.SchemaVersion, actual.NetworkName, actual.SpecJson, actual.StoredAt, actual.ExecutionName));
        Assert.Equal(expected.Brokers, actual.Brokers);
        Assert.Equal(expected.Connectors, actual.Connectors);
    }

    [Fact]
    public void Encode_SmallRecord_IsCompactJsonThatRoundTrips()
    {
        var record = Record(Repo.Example("tutorial"));
        var value = NetworkRecordCodec.Encode(record);

        using var document = JsonDocument.Parse(value);
        Assert.Equal("net", document.RootElement.GetProperty("networkName").GetString());
        Assert.DoesNotContain("\n", value, StringComparison.Ordinal);
        Assert.False(NetworkRecordCodec.NeedsAdvancedTier(value));
        AssertSame(record, NetworkRecordCodec.Decode(value));
    }

    [Fact]
    public void Encode_RecordOver4096Characters_StaysPlainButNeedsTheAdvancedTier()
    {
        var record = Record("{\"pad\":\"" + new string('x', 5000) + "\"}");
        var value = NetworkRecordCodec.Encode(record);

        Assert.InRange(value.Length, NetworkRecordCodec.StandardTierMaxLength + 1, NetworkRecordCodec.MaxValueLength);
        Assert.StartsWith("{", value, StringComparison.Ordinal);
        Assert.True(NetworkRecordCodec.NeedsAdvancedTier(value));
        AssertSame(record, NetworkRecordCodec.Decode(value));
    }

    [Fact]
    public void Encode_LargeRecord_IsCompressedBehindTheMarkerAndRoundTrips()
    {
        var record = Record(Repo.Example("tutorial"), brokers: 300);
        Assert.True(JsonSerializer.Serialize(record.Brokers).Length > NetworkRecordCodec.MaxValueLength);

        var value = NetworkRecordCodec.Encode(record);

        Assert.StartsWith(NetworkRecordCodec.CompressedPrefix, value, StringComparison.Ordinal);
        Assert.True(value.Length <= NetworkRecordCodec.MaxValueLength);
        AssertSame(record, NetworkRecordCodec.Decode(value));
    }

    [Fact]
    public void Encode_RecordTooLargeEvenCompressed_ThrowsNetworkRecordTooLarge()
    {
        // Random text hardly compresses.
        var noise = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12_000));
        var e = Assert.Throws<NetworkRecordTooLargeException>(() => NetworkRecordCodec.Encode(Record($"{{\"pad\":\"{noise}\"}}")));
        Assert.Equal("net", e.NetworkName);
        Assert.Contains("8192", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_NonAsciiSpec_IsEscapedSoCharactersCountBytes()
    {
        var value = NetworkRecordCodec.Encode(Record("{\"description\":\"réseau ✓\"}"));
        Assert.All(value, c => Assert.True(c < 128));
        Assert.Equal("{\"description\":\"réseau ✓\"}", NetworkRecordCodec.Decode(value).SpecJson);
    }
}
