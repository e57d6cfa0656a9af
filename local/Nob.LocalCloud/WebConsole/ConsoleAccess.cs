using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Nob.LocalCloud.WebConsole;

/// <summary>
/// Who may use the console: whoever holds its token, which is derived (HMAC-SHA256) from the endpoint's secret key, so it
/// is as secret as the credentials, is the same across restarts and needs no file of its own. The first visit with
/// <c>?token=</c> sets an HttpOnly, SameSite=Strict cookie scoped to <c>/console</c>; forms carry a per-page field
/// (a nonce and its HMAC) that a cross-site page cannot forge. Tokens are compared in constant time and never logged.
/// </summary>
public sealed class ConsoleAccess
{
    public const string Prefix = "/console";
    public const string CookieName = "nob_console";
    public const string FormField = "form";

    private readonly byte[] _token;

    public ConsoleAccess(LocalCloudCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        Token = Derive(credentials.SecretAccessKey);
        _token = Encoding.ASCII.GetBytes(Token);
    }

    /// <summary>The token (URL-safe base64, 43 characters).</summary>
    public string Token { get; }

    /// <summary>The token for an endpoint whose secret access key is <paramref name="secretAccessKey"/> (what <c>nob status</c> prints).</summary>
    public static string Derive(string secretAccessKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(secretAccessKey);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secretAccessKey), "nob local console token v1"u8);
        return Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The URL to open: the console's first page with the token, which the console then moves into a cookie.</summary>
    public static string Url(string endpoint, string secretAccessKey) =>
        $"{endpoint.TrimEnd('/')}{Prefix}/?token={Derive(secretAccessKey)}";

    /// <summary>True when <paramref name="candidate"/> is the token (constant time).</summary>
    public bool Matches(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(candidate), _token);

    public bool HasValidCookie(HttpRequest request) => Matches(request.Cookies[CookieName]);

    /// <summary>Sets the cookie that stands for the token from now on.</summary>
    public void SetCookie(HttpResponse response) => response.Cookies.Append(CookieName, Token, new CookieOptions
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Path = Prefix,
        IsEssential = true,
    });

    /// <summary>A fresh value for a form's hidden field: a random nonce and its HMAC under the token.</summary>
    public string NewFormValue()
    {
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return $"{nonce}.{FormMac(nonce)}";
    }

    /// <summary>True when a posted form field was made by <see cref="NewFormValue"/> (constant-time comparison of its HMAC).</summary>
    public bool IsFormValue(string? value)
    {
        if (value?.Split('.') is not [var nonce, var mac] || nonce.Length != 32)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(mac), Encoding.ASCII.GetBytes(FormMac(nonce)));
    }

    private string FormMac(string nonce) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_token, Encoding.ASCII.GetBytes("form:" + nonce)));
}
