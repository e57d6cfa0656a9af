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

    /// <summary>A record whose plain JSON is exactly <paramref name="jsonLength"/> characters, its spec made of <paramref name="filler"/>.</summary>
    static NetworkRecord RecordOfJsonLength(int jsonLength, Func<int, string> filler)
    {
        // A small record is stored as plain JSON, and the filler's characters are not escaped, so each adds one.
        var baseLength = NetworkRecordCodec.Encode(Record("")).Length;
        var record = Record(filler(jsonLength - baseLength));
        Assert.Equal(jsonLength, JsonSerializer.Serialize(record, new JsonSerializerOptions(JsonSerializerDefaults.Web)).Length);
        return record;
    }

    static string Repeated(int length) => new('x', length);

    /// <summary>Random characters the serializer does not escape; gzip+base64 makes them longer, never shorter.</summary>
    static string Noise(int length)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%()*,-./:;=?@[]^_{|}~";
        return string.Concat(Enumerable.Range(0, length).Select(_ => alphabet[Random.Shared.Next(alphabet.Length)]));
    }

    [Fact]
    public void Encode_JsonOfExactly4096Characters_StaysPlainAndStandard()
    {
        var record = RecordOfJsonLength(NetworkRecordCodec.StandardTierMaxLength, Repeated);
        var value = NetworkRecordCodec.Encode(record);

        Assert.Equal(NetworkRecordCodec.StandardTierMaxLength, value.Length);
        Assert.StartsWith("{", value, StringComparison.Ordinal);
        Assert.False(NetworkRecordCodec.NeedsAdvancedTier(value));
        AssertSame(record, NetworkRecordCodec.Decode(value));
    }

    [Theory]
    [InlineData(4097)]
    [InlineData(8192)]
    [InlineData(8193)]
    [InlineData(20_000)]
    public void Encode_CompressibleJsonOver4096Characters_IsCompressedToTheStandardTier(int jsonLength)
    {
        var record = RecordOfJsonLength(jsonLength, Repeated);
        var value = NetworkRecordCodec.Encode(record);

        Assert.StartsWith(NetworkRecordCodec.CompressedPrefix, value, StringComparison.Ordinal);
        Assert.False(NetworkRecordCodec.NeedsAdvancedTier(value));
        AssertSame(record, NetworkRecordCodec.Decode(value));
    }

    [Theory]
    [InlineData(8, false)]
    [InlineData(12, false)]
    [InlineData(21, false)]
    [InlineData(30, false)]
    [InlineData(41, true)]
    public void Encode_MeshRecords_FitTheStandardTierUpToAboutFortyBrokers(int brokers, bool advanced)
    {
        // A mesh's record grows with the square of its size (here 12 brokers take 5 KB of JSON, 41 take 41 KB);
        // compressed, it stays Standard to 30 brokers (2.5 KB) and fits Advanced at 41 (4.2 KB).
        var names = Enumerable.Range(1, brokers).Select(i => $"MeshBroker{i}").ToList();
        var spec = JsonSerializer.Serialize(new
        {
            networkName = "mesh",
            topology = new { type = "mesh" },
            brokers = names.Select(n => new { name = n }),
            brokerDefaults = new { subnetIds = new[] { "subnet-0123456789abcdef0" }, securityGroups = new[] { "sg-0123456789abcdef0" } },
            user = new { username = "networkUser", passwordParameter = "/nob/mesh/password" },
        });
        var record = new NetworkRecord(NetworkRecord.CurrentSchemaVersion, "mesh", spec,
            [.. names.Select((n, i) => new StoredBroker(n, $"b-{new Guid(i + 1, 0x1234, 0x5678, new byte[8]):D}", true))],
            [.. names.SelectMany((a, i) => names.Skip(i + 1).Select(b => $"{a} <==> {b}"))],
            new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), "mesh-0123456789abcdef");

        var value = NetworkRecordCodec.Encode(record);

        Assert.True(NetworkRecordCodec.NeedsAdvancedTier(value) == advanced, $"{brokers} brokers: {value.Length} characters");
        Assert.True(value.Length <= NetworkRecordCodec.MaxValueLength);
        AssertSame(record, NetworkRecordCodec.Decode(value));
    }

    [Fact]
    public void Encode_IncompressibleJsonOver4096Characters_StaysPlainInTheAdvancedTier()
    {
        var record = RecordOfJsonLength(6000, Noise);
        var value = NetworkRecordCodec.Encode(record);

        Assert.Equal(6000, value.Length);
        Assert.StartsWith("{", value, StringComparison.Ordinal);
        Assert.True(NetworkRecordCodec.NeedsAdvancedTier(value));
        AssertSame(record, NetworkRecordCodec.Decode(value));
    }

    [Fact]
    public void Encode_IncompressibleJsonOfExactly8192Characters_FitsTheAdvancedTier()
    {
        var record = RecordOfJsonLength(NetworkRecordCodec.MaxValueLength, Noise);
        var value = NetworkRecordCodec.Encode(record);

        Assert.Equal(NetworkRecordCodec.MaxValueLength, value.Length);
        Assert.True(NetworkRecordCodec.NeedsAdvancedTier(value));
        AssertSame(record, NetworkRecordCodec.Decode(value));
    }

    [Fact]
    public void Encode_IncompressibleJsonOf8193Characters_ThrowsNetworkRecordTooLarge()
    {
        var record = RecordOfJsonLength(NetworkRecordCodec.MaxValueLength + 1, Noise);
        var e = Assert.Throws<NetworkRecordTooLargeException>(() => NetworkRecordCodec.Encode(record));
        Assert.Contains($"takes {NetworkRecordCodec.MaxValueLength + 1} characters", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_PartlyCompressibleJson_IsCompressedIntoTheAdvancedTier()
    {
        // Hex digits compress to about half, and base64 adds a third: 10,000 characters end near 6,700.
        var record = RecordOfJsonLength(10_000, n => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(n / 2 + 1))[..n]);
        var value = NetworkRecordCodec.Encode(record);

        Assert.StartsWith(NetworkRecordCodec.CompressedPrefix, value, StringComparison.Ordinal);
        Assert.True(NetworkRecordCodec.NeedsAdvancedTier(value));
        Assert.True(value.Length <= NetworkRecordCodec.MaxValueLength);
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
