namespace Nob.Core.Specs;

/// <summary>
/// Subnet and security group IDs that are obviously copied from an example rather than taken from an account: the
/// documentation's sample IDs (<c>subnet-0123456789abcdef0</c>, <c>sg-12345678</c>, …), all zeros, all x, or words such
/// as "example" (real IDs are hexadecimal). Refusing them at validation makes a copied example fail before anything is
/// created, naming the IDs, instead of at Amazon MQ's CreateBroker.
/// </summary>
public static class PlaceholderIds
{
    static readonly HashSet<string> SampleBodies = new(StringComparer.OrdinalIgnoreCase)
    {
        "0123456789abcdef0", "0123456789abcdef", "1234567890abcdef0", "1234567890abcdef", "01234567", "12345678", "123456789",
        "1234567890", "1a2b3c4d", "a1b2c3d4", "abcd1234", "abcdef12", "abcdef0123456789", "0abc", "abc123", "0abc123",
    };

    static readonly string[] Words = ["example", "placeholder", "your", "xxxx", "replace", "changeme", "todo"];

    /// <summary>Whether <paramref name="id"/> (such as <c>subnet-…</c> or <c>sg-…</c>) is a placeholder.</summary>
    public static bool IsPlaceholder(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        var body = dash < 0 ? id : id[(dash + 1)..];
        if (body.Length == 0) return false;
        if (body.All(c => c == '0') || body.All(c => c is 'x' or 'X')) return true;
        return SampleBodies.Contains(body) || Words.Any(w => body.Contains(w, StringComparison.OrdinalIgnoreCase));
    }
}
