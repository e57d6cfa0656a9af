using System.Text;

namespace Nob.Stomp;

/// <summary>STOMP 1.2 header escaping: <c>\r</c>, <c>\n</c>, <c>\c</c> (colon) and <c>\\</c>; any other escape is a protocol error.</summary>
public static class StompHeaderEscaping
{
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny("\r\n:\\") < 0)
        {
            return value;
        }
        var text = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            _ = c switch
            {
                '\r' => text.Append(@"\r"),
                '\n' => text.Append(@"\n"),
                ':' => text.Append(@"\c"),
                '\\' => text.Append(@"\\"),
                _ => text.Append(c),
            };
        }
        return text.ToString();
    }

    /// <summary>Undoes <see cref="Escape"/>; throws <see cref="StompProtocolException"/> for an undefined or unfinished escape.</summary>
    public static string Unescape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }
        var text = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c != '\\')
            {
                text.Append(c);
                continue;
            }
            if (i + 1 >= value.Length)
            {
                throw new StompProtocolException("a header ends with an unfinished escape '\\'");
            }
            text.Append(value[++i] switch
            {
                'r' => '\r',
                'n' => '\n',
                'c' => ':',
                '\\' => '\\',
                var other => throw new StompProtocolException($"a header holds the undefined escape '\\{other}' (STOMP 1.2 allows \\r \\n \\c \\\\)"),
            });
        }
        return text.ToString();
    }
}
