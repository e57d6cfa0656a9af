namespace Nob.Core.Rendering;

/// <summary>A unified-style line diff (longest common subsequence) for showing a configuration change to a person.</summary>
public static class LineDiff
{
    public static IReadOnlyList<string> Unified(string before, string after)
    {
        var a = Lines(before);
        var b = Lines(after);
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
            for (var j = b.Length - 1; j >= 0; j--)
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);

        var result = new List<string>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y]) { result.Add("  " + a[x]); x++; y++; }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y])) { result.Add("+ " + b[y]); y++; }
            else { result.Add("- " + a[x]); x++; }
        }
        return result;
    }

    static string[] Lines(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
}
