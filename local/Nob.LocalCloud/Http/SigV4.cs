using System.Globalization;

namespace Nob.LocalCloud.Http;

/// <summary>The credential scope of a SigV4 <c>Authorization</c> header: <c>AKID/yyyyMMdd/region/service/aws4_request</c>.</summary>
internal sealed record SigV4Scope(string AccessKeyId, string Date, string Region, string Service, IReadOnlyList<string> SignedHeaders, string Signature)
{
    /// <summary><c>yyyyMMdd/region/service/aws4_request</c>, as it appears in the string to sign.</summary>
    public string CredentialScope => $"{Date}/{Region}/{Service}/aws4_request";
}

/// <summary>
/// Reads an <c>AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…</c> header (<see cref="SigV4Verifier"/>
/// checks the signature). The local endpoint routes by the scope's service name.
/// </summary>
internal static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>The scope, or null with the reason the header is not a well-formed SigV4 header.</summary>
    public static SigV4Scope? Parse(string? authorization, out string problem)
    {
        problem = "";
        if (string.IsNullOrWhiteSpace(authorization))
        {
            problem = "Missing Authentication Token";
            return null;
        }

        var text = authorization.Trim();
        if (!text.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            problem = $"Authorization header requires the {Algorithm} algorithm";
            return null;
        }

        var parts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var piece in text[(Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = piece.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                problem = $"Authorization header has a malformed component \"{piece}\"";
                return null;
            }

            parts[piece[..equals]] = piece[(equals + 1)..];
        }

        foreach (var required in new[] { "Credential", "SignedHeaders", "Signature" })
        {
            if (!parts.TryGetValue(required, out var value) || value.Length == 0)
            {
                problem = $"Authorization header requires '{required}' parameter.";
                return null;
            }
        }

        var scope = parts["Credential"].Split('/');
        if (scope.Length != 5 || scope[0].Length == 0 || scope[2].Length == 0 || scope[3].Length == 0 || scope[4] != "aws4_request"
            || !DateTime.TryParseExact(scope[1], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            problem = "Credential should be scoped to a valid region, service and date: ACCESS_KEY/yyyyMMdd/REGION/SERVICE/aws4_request";
            return null;
        }

        var signedHeaders = parts["SignedHeaders"].Split(';');
        if (signedHeaders.Any(h => h.Length == 0 || h.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.'))))
        {
            problem = "SignedHeaders must be lower-case header names separated by ';'";
            return null;
        }

        var signature = parts["Signature"];
        if (signature.Length != 64 || !signature.All(char.IsAsciiHexDigitLower))
        {
            problem = "Signature must be 64 lower-case hexadecimal characters";
            return null;
        }

        return new SigV4Scope(scope[0], scope[1], scope[2], scope[3], signedHeaders, signature);
    }
}
