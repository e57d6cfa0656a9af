using System.Security.Cryptography;

namespace Nob.LocalBrokers;

/// <summary>
/// The brokers' TLS identity: a self-signed key pair for <c>localhost</c> / <c>127.0.0.1</c> in a PKCS12 keystore, and a
/// truststore holding its certificate (used by the brokers for their network connectors and by every client).
/// Created once per folder with the JRE's keytool and reused afterwards.
/// </summary>
public sealed class TlsMaterial
{
    public const string StoreType = "PKCS12";
    public const string KeyStoreFileName = "broker-keystore.p12";
    public const string TrustStoreFileName = "truststore.p12";
    public const string CertificateFileName = "broker-certificate.pem";
    public const string PasswordFileName = "store-password.txt";
    private const string Alias = "nob-local-broker";
    // The password reaches keytool through its environment, not its command line (visible in ps).
    private const string PasswordVariable = "NOB_TLS_STORE_PASSWORD";

    public TlsMaterial(string keyStorePath, string trustStorePath, string certificatePath, string storePassword)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyStorePath);
        ArgumentException.ThrowIfNullOrEmpty(trustStorePath);
        ArgumentException.ThrowIfNullOrEmpty(storePassword);
        KeyStorePath = Path.GetFullPath(keyStorePath);
        TrustStorePath = Path.GetFullPath(trustStorePath);
        CertificatePath = Path.GetFullPath(certificatePath);
        StorePassword = storePassword;
    }

    public string KeyStorePath { get; }

    public string TrustStorePath { get; }

    /// <summary>The broker certificate in PEM form (for non-Java clients).</summary>
    public string CertificatePath { get; }

    /// <summary>Password of both stores (and of the private key).</summary>
    public string StorePassword { get; }

    /// <summary>JVM options that make a Java client trust the brokers.</summary>
    public IReadOnlyList<string> ClientJvmOptions =>
    [
        $"-Djavax.net.ssl.trustStore={TrustStorePath}",
        $"-Djavax.net.ssl.trustStorePassword={StorePassword}",
        $"-Djavax.net.ssl.trustStoreType={StoreType}",
    ];

    /// <summary>Loads the material from <paramref name="directory"/>, creating it there first if it is not complete.</summary>
    public static async Task<TlsMaterial> CreateOrLoadAsync(ActiveMqInstallation installation, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(installation);
        directory = Path.GetFullPath(directory);
        if (TryLoad(directory) is { } existing)
        {
            return existing;
        }

        // Build in a private folder (0700, so nothing in it is ever readable by others), then move it into place, so a
        // half-made set is never picked up.
        var parent = Path.GetDirectoryName(directory)!;
        PrivateFiles.CreateFolder(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(directory)}.{Guid.NewGuid():N}");
        PrivateFiles.CreateFolder(staging);
        try
        {
            var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
            var keyStore = Path.Combine(staging, KeyStoreFileName);
            var trustStore = Path.Combine(staging, TrustStoreFileName);
            var certificate = Path.Combine(staging, CertificateFileName);
            await KeytoolAsync(installation, staging, password, cancellationToken,
                "-genkeypair", "-alias", Alias, "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
                "-dname", "CN=localhost, O=nob local brokers", "-ext", "SAN=IP:127.0.0.1,DNS:localhost",
                "-keystore", keyStore, "-storetype", StoreType, "-storepass:env", PasswordVariable, "-keypass:env", PasswordVariable).ConfigureAwait(false);
            await KeytoolAsync(installation, staging, password, cancellationToken,
                "-exportcert", "-rfc", "-alias", Alias, "-keystore", keyStore, "-storetype", StoreType, "-storepass:env", PasswordVariable,
                "-file", certificate).ConfigureAwait(false);
            await KeytoolAsync(installation, staging, password, cancellationToken,
                "-importcert", "-noprompt", "-alias", Alias, "-file", certificate,
                "-keystore", trustStore, "-storetype", StoreType, "-storepass:env", PasswordVariable).ConfigureAwait(false);
            PrivateFiles.WriteAllText(Path.Combine(staging, PasswordFileName), password);
            if (!OperatingSystem.IsWindows())
            {
                // keytool creates its files with the umask's mode; the folder is private, so they were never exposed.
                foreach (var made in new[] { keyStore, trustStore, certificate })
                {
                    File.SetUnixFileMode(made, PrivateFiles.FileMode);
                }
            }

            if (Directory.Exists(directory))
            {
                // An incomplete leftover: replace it.
                Directory.Delete(directory, recursive: true);
            }
            try
            {
                Directory.Move(staging, directory);
            }
            catch (IOException) when (TryLoad(directory) is not null)
            {
                // Someone else finished first; use theirs.
            }
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
        return TryLoad(directory) ?? throw new InvalidOperationException($"TLS material in {directory} is incomplete after creating it.");
    }

    /// <summary>The material in <paramref name="directory"/> if all its files are there, else null.</summary>
    public static TlsMaterial? TryLoad(string directory)
    {
        var keyStore = Path.Combine(directory, KeyStoreFileName);
        var trustStore = Path.Combine(directory, TrustStoreFileName);
        var certificate = Path.Combine(directory, CertificateFileName);
        var passwordFile = Path.Combine(directory, PasswordFileName);
        if (!File.Exists(keyStore) || !File.Exists(trustStore) || !File.Exists(certificate) || !File.Exists(passwordFile))
        {
            return null;
        }
        var password = File.ReadAllText(passwordFile).Trim();
        return password.Length == 0 ? null : new TlsMaterial(keyStore, trustStore, certificate, password);
    }

    private static async Task KeytoolAsync(ActiveMqInstallation installation, string workingDirectory, string password, CancellationToken cancellationToken, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(installation.KeytoolExecutable, arguments, TimeSpan.FromSeconds(60), workingDirectory, cancellationToken,
                new Dictionary<string, string> { [PasswordVariable] = password })
            .ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"keytool {arguments[0]} failed ({(result.TimedOut ? "timed out" : $"exit code {result.ExitCode}")}): {result.Output.Trim()}");
        }
    }
}
