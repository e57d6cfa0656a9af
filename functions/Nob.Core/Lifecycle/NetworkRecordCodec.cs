using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nob.Core.Lifecycle;

/// <summary>
/// A <see cref="NetworkRecord"/> as one parameter value: compact JSON when it fits the Standard tier, else the shorter
/// of the JSON and its gzip+base64 behind <see cref="CompressedPrefix"/> (so most records stay Standard, which is
/// free). The serializer escapes every non-ASCII character, so characters equal bytes and the lengths below are SSM's
/// byte limits.
/// </summary>
public static class NetworkRecordCodec
{
    /// <summary>The largest Standard-tier value; anything longer needs the Advanced tier.</summary>
    public const int StandardTierMaxLength = 4096;

    /// <summary>The largest Advanced-tier value.</summary>
    public const int MaxValueLength = 8192;

    /// <summary>Marks a compressed value; JSON never starts with it.</summary>
    public const string CompressedPrefix = "nob-gzip-base64:";

    public static bool NeedsAdvancedTier(string value) => value.Length > StandardTierMaxLength;

    public static string Encode(NetworkRecord record)
    {
        var json = JsonSerializer.Serialize(record, LifecycleJsonContext.Default.NetworkRecord);
        if (json.Length <= StandardTierMaxLength) return json;

        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize))
        {
            gzip.Write(Encoding.UTF8.GetBytes(json));
        }
        var compressed = CompressedPrefix + Convert.ToBase64String(buffer.ToArray());
        var value = compressed.Length < json.Length ? compressed : json;
        return value.Length <= MaxValueLength ? value : throw new NetworkRecordTooLargeException(record.NetworkName, value.Length);
    }

    public static NetworkRecord Decode(string value)
    {
        var json = value;
        if (value.StartsWith(CompressedPrefix, StringComparison.Ordinal))
        {
            using var gzip = new GZipStream(new MemoryStream(Convert.FromBase64String(value[CompressedPrefix.Length..])), CompressionMode.Decompress);
            using var reader = new StreamReader(gzip, Encoding.UTF8);
            json = reader.ReadToEnd();
        }
        return JsonSerializer.Deserialize(json, LifecycleJsonContext.Default.NetworkRecord)
            ?? throw new JsonException("the stored network record is null");
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(NetworkRecord))]
internal sealed partial class LifecycleJsonContext : JsonSerializerContext;
