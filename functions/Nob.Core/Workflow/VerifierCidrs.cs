using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Nob.Core.Workflow;

/// <summary>
/// Which public addresses STOMP (61614) may be opened from for the verifier on public brokers: its NAT gateways'
/// addresses, so IPv4 host addresses (/32) or small ranges (/24 at the widest). Anything wider lets others reach the
/// brokers' STOMP port; <c>0.0.0.0/0</c> and <c>::/0</c> let everyone. The template's <c>VerifierPublicCidrs</c>
/// parameter states the same rule as an <c>AllowedPattern</c> (TemplateTests compares them); this is the check in the
/// step that opens the rules, whatever the function's environment says.
/// </summary>
public static class VerifierCidrs
{
    public const int WidestPrefixLength = 24;

    /// <summary>What is wrong with one CIDR, or null when STOMP may be opened from it.</summary>
    public static string? Problem(string cidr)
    {
        ArgumentNullException.ThrowIfNull(cidr);
        const string Use = "give the verifier's NAT gateway addresses as IPv4 CIDRs from /24 to /32, e.g. 203.0.113.7/32";
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        var prefixText = slash < 0 ? "" : cidr[(slash + 1)..];
        var hasPrefix = prefixText.Length is > 0 and <= 3 && prefixText.All(char.IsAsciiDigit);
        var prefix = hasPrefix ? int.Parse(prefixText, CultureInfo.InvariantCulture) : -1;
        if (!hasPrefix || !IPAddress.TryParse(cidr[..slash], out var address))
            return $"\"{Printable(cidr)}\" is not a CIDR; {Use}";
        if (prefix == 0) return $"\"{cidr}\" opens STOMP to every address; {Use}";
        // Canonical dotted quads only: IPAddress also reads "10.1" or "010.0.0.1", which EC2 does not.
        if (address.AddressFamily != AddressFamily.InterNetwork || address.ToString() != cidr[..slash])
            return $"\"{cidr}\" is not an IPv4 CIDR (the ingress rules nob opens are IPv4); {Use}";
        if (prefix > 32) return $"\"{cidr}\" has a prefix longer than /32; {Use}";
        if (prefix < WidestPrefixLength) return $"\"{cidr}\" is a /{prefix}, wider than the verifier's own addresses; {Use}";
        return null;
    }

    /// <summary>Refuses a verifier whose public CIDRs are not all allowed, naming each, before any rule is opened.</summary>
    public static void Check(VerifierSource? verifier)
    {
        var problems = (verifier?.PublicCidrs ?? []).Select(Problem).OfType<string>().ToList();
        if (problems.Count > 0) throw new VerifierCidrNotAllowedException(problems);
    }

    static string Printable(string text) => new([.. text.Select(c => char.IsControl(c) ? '?' : c)]);
}

/// <summary>
/// The verifier's public CIDRs (the <c>VerifierPublicCidrs</c> parameter, <c>NOB_VERIFIER_PUBLIC_CIDRS</c>) include one
/// that would open the brokers' STOMP port to more than the verifier; nothing was opened.
/// </summary>
public sealed class VerifierCidrNotAllowedException(IReadOnlyList<string> problems)
    : Exception($"No ingress was opened: the verifier's public CIDRs (VerifierPublicCidrs) are not allowed: {string.Join("; ", problems)}")
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
