using System.Security.Cryptography;
using System.Text;
using Nob.LocalBrokers;

namespace Nob.LocalCloud.Storage;

/// <summary>
/// Encrypts secrets at rest (SSM SecureString values, broker user passwords) with AES-256-GCM under a key kept in
/// <c>secret.key</c> in the data folder (created once, owner read/write only). A ciphertext is base64 of nonce | tag | data.
/// </summary>
internal sealed class SecretBox
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    private SecretBox(byte[] key) => _key = key;

    public static SecretBox OpenOrCreate(string keyPath)
    {
        if (File.Exists(keyPath))
        {
            var existing = File.ReadAllBytes(keyPath);
            if (existing.Length != 32)
            {
                throw new InvalidOperationException($"{keyPath} does not hold a 256-bit key");
            }

            return new SecretBox(existing);
        }

        var key = RandomNumberGenerator.GetBytes(32);
        PrivateFiles.Write(keyPath, stream => stream.Write(key));
        return new SecretBox(key);
    }

    public string Encrypt(string plaintext)
    {
        var data = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceSize + TagSize + data.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, data, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize));
        return Convert.ToBase64String(output);
    }

    public string Decrypt(string ciphertext)
    {
        var input = Convert.FromBase64String(ciphertext);
        if (input.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("ciphertext too short");
        }

        var data = new byte[input.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize + TagSize), input.AsSpan(NonceSize, TagSize), data);
        return Encoding.UTF8.GetString(data);
    }
}
