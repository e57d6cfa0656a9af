using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Nob.Stomp;

/// <summary>Server certificate validation for brokers whose certificate the system does not trust (local, self-signed).</summary>
public static class StompTls
{
    /// <summary>
    /// Accepts a server certificate that chains to one of <paramref name="roots"/> (and only to them), is valid now, and
    /// matches the host name connected to. The system's trusted roots are not consulted.
    /// </summary>
    public static RemoteCertificateValidationCallback TrustOnly(X509Certificate2Collection roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        if (roots.Count == 0)
        {
            throw new ArgumentException("give at least one trusted certificate", nameof(roots));
        }
        var trusted = new X509Certificate2Collection(roots);
        return (_, certificate, chain, errors) =>
        {
            if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
            {
                return false;
            }
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.AddRange(trusted);
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (chain is not null)
            {
                foreach (var element in chain.ChainElements)
                {
                    custom.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }
            var leaf = certificate as X509Certificate2;
            using var loaded = leaf is null ? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()) : null;
            return custom.Build(leaf ?? loaded!);
        };
    }

    /// <summary><see cref="TrustOnly(X509Certificate2Collection)"/> with the certificates of a PEM file.</summary>
    public static RemoteCertificateValidationCallback TrustOnlyPemFile(string path)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(path);
        return TrustOnly(roots);
    }
}
