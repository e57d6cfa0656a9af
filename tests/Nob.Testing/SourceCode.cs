using System.Text.RegularExpressions;

namespace Nob.Testing;

/// <summary>C# source text for the layering tests that read the code: comments removed, string literals kept or blanked.</summary>
public static partial class SourceCode
{
    /// <summary>Without comments; strings kept (a "//" inside a string is not taken for a comment).</summary>
    public static string WithoutComments(string code) => CommentOrLiteral().Replace(code, m => m.Value.StartsWith('/') ? "" : m.Value);

    /// <summary>Without comments, and every string or character literal empty, so only code is left to match.</summary>
    public static string WithoutCommentsOrStrings(string code) =>
        CommentOrLiteral().Replace(code, m => m.Value.StartsWith('/') ? "" : m.Value.StartsWith('\'') ? "' '" : "\"\"");

    [GeneratedRegex("""//[^\n]*|/\*.*?\*/|@"(?:[^"]|"")*"|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])'""", RegexOptions.Singleline)]
    private static partial Regex CommentOrLiteral();
}
