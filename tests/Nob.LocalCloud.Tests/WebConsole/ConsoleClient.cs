using System.Net;
using System.Xml;
using System.Xml.Linq;
using Nob.LocalCloud.WebConsole;

namespace Nob.LocalCloud.Tests.WebConsole;

/// <summary>A browser-like client of the console: no automatic redirects or cookies (each test sends what it means to), and the pages parsed as XML.</summary>
internal sealed class ConsoleClient : IDisposable
{
    private readonly HttpClient _http;

    public ConsoleClient(LocalCloud cloud)
    {
        _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = cloud.Endpoint };
        Token = new ConsoleAccess(cloud.Credentials).Token;
    }

    public string Token { get; }

    public string Cookie => $"{ConsoleAccess.CookieName}={Token}";

    public async Task<HttpResponseMessage> GetAsync(string path, string? cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return await _http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> PostAsync(string path, string? cookie, IEnumerable<KeyValuePair<string, string>> form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return await _http.SendAsync(request);
    }

    /// <summary>A page that must answer <paramref name="status"/>, parsed.</summary>
    public async Task<XDocument> PageAsync(string path, HttpStatusCode status = HttpStatusCode.OK)
    {
        using var response = await GetAsync(path, Cookie);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"GET {path}: {(int)response.StatusCode} {text}");
        return Parse(text);
    }

    /// <summary>The page as XML (the console writes well-formed XHTML after the doctype).</summary>
    public static XDocument Parse(string html)
    {
        using var reader = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }

    /// <summary>The hidden form field of the form with <paramref name="formId"/>.</summary>
    public static string FormValue(XDocument page, string formId) =>
        page.Descendants("form").Single(f => (string?)f.Attribute("id") == formId)
            .Descendants("input").Single(i => (string?)i.Attribute("name") == ConsoleAccess.FormField).Attribute("value")!.Value;

    public static XElement ById(XDocument page, string id) => page.Descendants().Single(e => (string?)e.Attribute("id") == id);

    public void Dispose() => _http.Dispose();
}
