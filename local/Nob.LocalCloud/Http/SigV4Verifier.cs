using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Nob.LocalCloud.Http;

/// <summary>Why a request was refused (see <see cref="SigV4Refusals"/> for each protocol's error).</summary>
internal enum SigV4Failure
{
    /// <summary>No <c>Authorization</c> header.</summary>
    Missing,

    /// <summary>A header that is not a complete SigV4 header (or lacks X-Amz-Date, or does not sign host).</summary>
    Incomplete,

    /// <summary>An access key id other than the endpoint's.</summary>
    UnknownAccessKey,

    /// <summary>The signature is not the one the request's content and the secret give.</summary>
    BadSignature,

    /// <summary>X-Amz-Date is more than <see cref="SigV4Verifier.AllowedSkew"/> before or after now.</summary>
    Expired,
}

internal sealed record SigV4Refusal(SigV4Failure Failure, string Message);

/// <summary>
/// Verifies a request's SigV4 signature as AWS does for every service but S3: the canonical request (method; the raw
/// path URI-encoded once more, as SDKs sign it for non-S3 services; the query parameters encoded and sorted; the
/// SignedHeaders' values, trimmed and folded; the header list; the payload hash, x-amz-content-sha256 when given, which
/// must then be the body's, else the body's SHA-256), the string to sign with X-Amz-Date and the credential scope, the
/// key derived from the secret and the scope's date, region and service, and a constant-time comparison. Any region
/// and service in the scope is accepted: the signature is computed for them.
/// </summary>
internal sealed class SigV4Verifier(LocalCloudCredentials credentials, TimeProvider clock)
{
    public static readonly TimeSpan AllowedSkew = TimeSpan.FromMinutes(5);

    private const string DateFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>
    /// Null when the request is signed with the endpoint's key; else why not. Buffers the body (handlers read it
    /// again from the start).
    /// </summary>
    public async Task<SigV4Refusal?> VerifyAsync(HttpContext context, SigV4Scope? scope, string parseProblem)
    {
        var request = context.Request;
        if (scope is null)
        {
            return string.IsNullOrWhiteSpace(request.Headers.Authorization.ToString())
                ? new SigV4Refusal(SigV4Failure.Missing, "Missing Authentication Token")
                : new SigV4Refusal(SigV4Failure.Incomplete, parseProblem);
        }

        if (!string.Equals(scope.AccessKeyId, credentials.AccessKeyId, StringComparison.Ordinal))
        {
            return new SigV4Refusal(SigV4Failure.UnknownAccessKey, "The security token included in the request is invalid.");
        }

        if (!scope.SignedHeaders.Contains("host"))
        {
            return new SigV4Refusal(SigV4Failure.Incomplete, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }

        var amzDate = request.Headers["X-Amz-Date"].ToString();
        if (!DateTime.TryParseExact(amzDate, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            return new SigV4Refusal(SigV4Failure.Incomplete, "Authorization header requires existence of a 'X-Amz-Date' header (yyyyMMddTHHmmssZ).");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (signedAt < now - AllowedSkew)
        {
            return new SigV4Refusal(SigV4Failure.Expired,
                $"Signature expired: {amzDate} is now earlier than {Format(now - AllowedSkew)} ({Format(now)} - {AllowedSkew.TotalMinutes:0} min.)");
        }

        if (signedAt > now + AllowedSkew)
        {
            return new SigV4Refusal(SigV4Failure.Expired,
                $"Signature not yet current: {amzDate} is still later than {Format(now + AllowedSkew)} ({Format(now)} + {AllowedSkew.TotalMinutes:0} min.)");
        }

        if (scope.Date != amzDate[..8])
        {
            return new SigV4Refusal(SigV4Failure.BadSignature,
                $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope.Date}' != '{amzDate[..8]}', from '{amzDate}'.");
        }

        var bodyHash = Hex(SHA256.HashData(await BufferBodyAsync(request, context.RequestAborted).ConfigureAwait(false)));
        var declaredHash = request.Headers["x-amz-content-sha256"].ToString();
        if (declaredHash.Length > 0 && !string.Equals(declaredHash, bodyHash, StringComparison.OrdinalIgnoreCase))
        {
            // Also UNSIGNED-PAYLOAD and streaming: outside S3 the body is always signed.
            return new SigV4Refusal(SigV4Failure.BadSignature, "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }

        var canonicalRequest = CanonicalRequest(context, scope, declaredHash.Length > 0 ? declaredHash : bodyHash);
        var stringToSign = $"{SigV4.Algorithm}\n{amzDate}\n{scope.CredentialScope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var expected = HMACSHA256.HashData(SigningKey(scope), Encoding.UTF8.GetBytes(stringToSign));
        if (CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(scope.Signature)))
        {
            return null;
        }

        return new SigV4Refusal(SigV4Failure.BadSignature,
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. "
            + $"Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'{canonicalRequest}'\n\n"
            + $"The String-to-Sign should have been\n'{stringToSign}'\n");
    }

    private byte[] SigningKey(SigV4Scope scope)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + credentials.SecretAccessKey), Encoding.UTF8.GetBytes(scope.Date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(scope.Region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(scope.Service));
        return HMACSHA256.HashData(key, "aws4_request"u8.ToArray());
    }

    private static string CanonicalRequest(HttpContext context, SigV4Scope scope, string payloadHash)
    {
        var request = context.Request;
        // The path and query as they came on the wire (ASP.NET Core's Path is already decoded).
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : (request.PathBase + request.Path + request.QueryString).ToString();
        if (Uri.TryCreate(target, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal))
        {
            target = absolute.PathAndQuery;
        }

        var question = target.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? target : target[..question];
        var query = question < 0 ? "" : target[(question + 1)..];

        var builder = new StringBuilder();
        builder.Append(request.Method).Append('\n');
        builder.Append(path.Length == 0 ? "/" : Encode(path, keepSlash: true)).Append('\n');
        builder.Append(CanonicalQuery(query)).Append('\n');
        foreach (var name in scope.SignedHeaders)
        {
            var values = request.Headers[name].Select(v => string.Join(' ', (v ?? "").Split(' ', '\t').Where(part => part.Length > 0)));
            builder.Append(name).Append(':').Append(string.Join(',', values)).Append('\n');
        }

        builder.Append('\n').Append(string.Join(';', scope.SignedHeaders)).Append('\n');
        builder.Append(payloadHash);
        return builder.ToString();
    }

    private static string CanonicalQuery(string query)
    {
        var pairs = new List<(string Name, string Value)>();
        foreach (var piece in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = piece.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? piece : piece[..equals];
            var value = equals < 0 ? "" : piece[(equals + 1)..];
            pairs.Add((Encode(Uri.UnescapeDataString(name), keepSlash: false), Encode(Uri.UnescapeDataString(value), keepSlash: false)));
        }

        return string.Join('&', pairs.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal).Select(p => $"{p.Name}={p.Value}"));
    }

    /// <summary>RFC 3986 percent-encoding of everything but unreserved characters (and '/' in a path), upper-case hex.</summary>
    private static string Encode(string text, bool keepSlash)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' || (keepSlash && c == '/'))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static async Task<byte[]> BufferBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        request.EnableBuffering();
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        request.Body.Position = 0;
        return buffer.ToArray();
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static string Format(DateTime time) => time.ToString(DateFormat, CultureInfo.InvariantCulture);
}
