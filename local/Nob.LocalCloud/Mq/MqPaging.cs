using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Nob.LocalCloud.Mq;

/// <summary>List operations' paging: <c>maxResults</c> checked against its range, <c>nextToken</c> an opaque offset.</summary>
internal static class MqPaging
{
    /// <summary>The page size and offset a list request asks for; 400 for a size out of range or a token not issued here.</summary>
    public static (int Max, int Offset) Read(Func<string, string?> query, string name, int min, int max)
    {
        var size = max;
        if (query(name) is { } text && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < min || size > max))
        {
            throw MqErrors.BadRequest($"{name} must be a whole number from {min} to {max}.", name);
        }

        var offset = 0;
        if (query("nextToken") is { Length: > 0 } token)
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(token));
                if (!decoded.StartsWith("offset:", StringComparison.Ordinal)
                    || !int.TryParse(decoded["offset:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out offset))
                {
                    throw new FormatException();
                }
            }
            catch (FormatException)
            {
                throw MqErrors.BadRequest("The nextToken is not one this service issued.", "nextToken");
            }
        }

        return (size, offset);
    }

    /// <summary>The items of <paramref name="all"/> on the page asked for, and the <c>nextToken</c> of the next page (null at the end).</summary>
    public static (List<T> Items, string? NextToken) Page<T>(IReadOnlyCollection<T> all, int offset, int max)
    {
        var items = all.Skip(offset).Take(max).ToList();
        return (items, offset + items.Count < all.Count ? Token(offset + items.Count) : null);
    }

    /// <summary>Adds <c>nextToken</c> to a list response when a page follows; Amazon MQ leaves it out on the last page.</summary>
    public static JsonObject Continued(this JsonObject response, string? nextToken)
    {
        if (nextToken is not null)
        {
            response["nextToken"] = nextToken;
        }

        return response;
    }

    /// <summary>The <c>nextToken</c> that continues a list at <paramref name="offset"/>.</summary>
    public static string Token(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"offset:{offset.ToString(CultureInfo.InvariantCulture)}"));
}
