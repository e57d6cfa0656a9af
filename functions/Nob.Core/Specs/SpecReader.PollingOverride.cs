using System.Text.Json.Nodes;

namespace Nob.Core.Specs;

public static partial class SpecReader
{
    /// <summary>
    /// A <c>polling</c> object on its own, validated as a spec's (a teardown may wait by one instead of its spec's); throws
    /// <see cref="InvalidSpecException"/> with every error, each named by its path in a spec (<c>polling.…</c>).
    /// </summary>
    public static PollingSpec ReadValidPolling(JsonNode? polling)
    {
        var errors = new Errors();
        var read = ReadPolling(polling, errors);
        return errors.List.Count == 0 && read is not null ? read : throw new InvalidSpecException(errors.List);
    }
}
