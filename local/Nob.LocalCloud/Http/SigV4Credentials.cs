using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nob.LocalBrokers;

namespace Nob.LocalCloud;

/// <summary>
/// The one access key the local endpoint accepts: an <c>AKIA…</c> id (20 characters) and a 40-character secret, made
/// from a CSPRNG on the endpoint's first start and kept in <see cref="FileName"/> in its data folder (0600), so every
/// later start accepts the same pair. Give them to clients as <c>AWS_ACCESS_KEY_ID</c> / <c>AWS_SECRET_ACCESS_KEY</c>.
/// </summary>
public sealed record LocalCloudCredentials(string AccessKeyId, string SecretAccessKey)
{
    /// <summary>The file in the data folder that holds the pair (JSON: accessKeyId, secretAccessKey).</summary>
    public const string FileName = "credentials.json";

    // AWS's long-term key ids are AKIA + 16 characters of base32; secrets are 40 characters of base64.
    private const string KeyIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>The pair in <paramref name="path"/>, or a new one written there (0600) when the file is missing.</summary>
    public static LocalCloudCredentials LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            var stored = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
            var id = stored?["accessKeyId"]?.GetValue<string>();
            var secret = stored?["secretAccessKey"]?.GetValue<string>();
            if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(secret))
            {
                throw new InvalidOperationException($"{path} does not hold an access key (accessKeyId, secretAccessKey); remove it to make a new one");
            }

            return new LocalCloudCredentials(id, secret);
        }

        var created = new LocalCloudCredentials(
            "AKIA" + RandomNumberGenerator.GetString(KeyIdAlphabet, 16),
            RandomNumberGenerator.GetString(SecretAlphabet, 40));
        PrivateFiles.WriteAllText(path, new JsonObject
        {
            ["accessKeyId"] = created.AccessKeyId,
            ["secretAccessKey"] = created.SecretAccessKey,
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return created;
    }

    /// <summary>Never prints the secret.</summary>
    public override string ToString() => $"LocalCloudCredentials {{ AccessKeyId = {AccessKeyId} }}";
}
