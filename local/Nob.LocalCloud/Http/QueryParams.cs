using System.Globalization;

namespace Nob.LocalCloud.Http;

/// <summary>The parameters of an EC2 query request (form body and query string), with the protocol's <c>Name.N.Member</c> lists.</summary>
internal sealed class QueryParams(IReadOnlyDictionary<string, string> values)
{
    public IReadOnlyDictionary<string, string> Values { get; } = values;

    public string? Get(string key) => Values.TryGetValue(key, out var value) ? value : null;

    public string Required(string key) =>
        Get(key) is { Length: > 0 } value ? value : throw new ServiceError(400, "MissingParameter", $"The request must contain the parameter {key}");

    public int? Int(string key)
    {
        if (Get(key) is not { } text)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ServiceError(400, "InvalidParameterValue", $"Value ({text}) for parameter {key} is invalid. It must be a whole number.");
    }

    /// <summary>The prefixes <c>prefix.1</c>, <c>prefix.2</c>, … present, in index order.</summary>
    public IReadOnlyList<string> Members(string prefix)
    {
        var indexes = new SortedSet<int>();
        var start = prefix + ".";
        foreach (var key in Values.Keys)
        {
            if (!key.StartsWith(start, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = key[start.Length..];
            var dot = rest.IndexOf('.', StringComparison.Ordinal);
            var index = dot < 0 ? rest : rest[..dot];
            if (int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                indexes.Add(n);
            }
        }

        return [.. indexes.Select(n => $"{prefix}.{n.ToString(CultureInfo.InvariantCulture)}")];
    }

    /// <summary>The values of a flat list <c>prefix.1</c>, <c>prefix.2</c>, … in index order.</summary>
    public IReadOnlyList<string> List(string prefix) => [.. Members(prefix).Select(Get).OfType<string>()];
}
