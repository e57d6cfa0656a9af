namespace Nob.Stomp;

/// <summary>A request's headers: the client's own first, then the caller's, which may not set those the client sets.</summary>
internal static class StompRequestHeaders
{
    public static void AddCallerHeaders(List<KeyValuePair<string, string>> all, IEnumerable<KeyValuePair<string, string>>? headers, params string[] reserved)
    {
        if (headers is null)
        {
            return;
        }
        foreach (var header in headers)
        {
            if (reserved.Contains(header.Key, StringComparer.Ordinal))
            {
                throw new ArgumentException($"the \"{header.Key}\" header is set by the client", nameof(headers));
            }
            all.Add(header);
        }
    }
}
