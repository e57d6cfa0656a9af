using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

using Nob.Core.Specs;

namespace Nob.Core.Api;

/// <summary>
/// Deterministic execution names for the API's starts (build-network, teardown-network, check-drift):
/// <c>&lt;networkName&gt;-&lt;16 hex of SHA-256(canonical input)&gt;[-rN]</c>, or with a client's idempotency key
/// <c>&lt;networkName&gt;-&lt;16 hex of SHA-256(key)&gt;</c>. The same request always yields the same name, so Step
/// Functions' own dedupe (same name and input while running) turns a retried request into the execution already running.
/// </summary>
public static partial class ExecutionNames
{
    /// <summary>Step Functions' limit on execution names.</summary>
    public const int MaxLength = 80;

    const int HashHexLength = 16;

    // Room for "-" + hash + the longest "-rN" suffix NetworkApi uses ("-r99"), so every name stays within MaxLength.
    const int MaxPrefixLength = MaxLength - 1 - HashHexLength - 4;

    /// <summary>The name of the <paramref name="attempt"/>-th execution (1 = no suffix, 2 = "-r2", …) of this input.</summary>
    public static string For(string networkName, string canonicalInput, int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(attempt, 99);
        var prefix = Sanitize(networkName);
        if (prefix.Length > MaxPrefixLength) prefix = prefix[..MaxPrefixLength];
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalInput)))[..HashHexLength];
        return attempt == 1 ? $"{prefix}-{hash}" : $"{prefix}-{hash}-r{attempt}";
    }

    /// <summary>The name of the execution a request with this idempotency key starts (the key is hashed: any text is fine).</summary>
    public static string ForKey(string networkName, string idempotencyKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        var prefix = Sanitize(networkName);
        if (prefix.Length > MaxPrefixLength) prefix = prefix[..MaxPrefixLength];
        // Domain-separated from the input hashes, so a key can never name the execution of some other request's input.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("Idempotency-Key\n" + idempotencyKey)))[..HashHexLength];
        return $"{prefix}-{hash}";
    }

    /// <summary>Whether <paramref name="executionName"/> is one of <see cref="For"/>'s names for this network (any input, any attempt).</summary>
    public static bool BelongsTo(string executionName, string networkName)
    {
        var prefix = Sanitize(networkName);
        if (prefix.Length > MaxPrefixLength) prefix = prefix[..MaxPrefixLength];
        // Exact shape, not just the "<name>-" prefix: network "prod" must not claim "prod-eu-<hash>".
        return executionName.StartsWith(prefix + "-", StringComparison.Ordinal)
            && Suffix().IsMatch(executionName.AsSpan(prefix.Length + 1));
    }

    /// <summary>
    /// The spec as Step Functions gets it: compact, object members in ordinal order (arrays keep their order), so
    /// requests that differ only in layout, comments or member order share one name and one input.
    /// </summary>
    public static string CanonicalJson(string json)
    {
        var node = JsonNode.Parse(json, documentOptions: SpecReader.DocumentOptions);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(writer, node);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(name);
                    Write(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array) Write(writer, item);
                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    // Names allow only [A-Za-z0-9-_] (what CloudWatch logging accepts); a valid spec's networkName already is.
    static string Sanitize(string networkName) => Unsafe().Replace(networkName, "_");

    [GeneratedRegex("[^A-Za-z0-9_-]")]
    private static partial Regex Unsafe();

    [GeneratedRegex("^[0-9a-f]{16}(-r[0-9]{1,2})?$")]
    private static partial Regex Suffix();
}
