using System.Text.Json.Nodes;

namespace Nob.StepFunctions.Definition;

// Retry and Catch of Task, Map and Parallel states: retriers, catchers and their ErrorEquals.
internal static partial class DefinitionReader
{
    static List<Retrier> ReadRetry(Fields r, string location) =>
        ReadErrorHandlers(r, "Retry", location, "a retrier", x => x.ErrorEquals, (f, where) => new Retrier
        {
            ErrorEquals = ErrorEquals(f, where),
            IntervalSeconds = f.OptionalInt("IntervalSeconds", 1, 99999999) ?? 1,
            MaxAttempts = f.OptionalInt("MaxAttempts", 0, 99999999) ?? 3,
            BackoffRate = f.Take("BackoffRate") is { } br
                ? (JsonText.IsNumber(br, out var rate) && rate >= 1.0 ? rate : throw new StatesDefinitionException($"{where}: BackoffRate must be a number of at least 1.0"))
                : 2.0,
            MaxDelaySeconds = f.OptionalInt("MaxDelaySeconds", 1, 31622400),
            FullJitter = f.OptionalString("JitterStrategy") switch
            {
                null or "NONE" => false,
                "FULL" => true,
                var other => throw new StatesDefinitionException($"{where}: JitterStrategy \"{other}\" is not FULL or NONE"),
            },
        });

    static List<Catcher> ReadCatch(Fields r, string location) =>
        ReadErrorHandlers(r, "Catch", location, "a catcher", x => x.ErrorEquals, (f, where) =>
        {
            f.Unsupported("Assign", "variables are not implemented");
            f.Unsupported("Output", "it belongs to JSONata");
            return new Catcher { ErrorEquals = ErrorEquals(f, where), Next = f.RequiredString("Next"), ResultPath = f.ResultPath("ResultPath") };
        });

    /// <summary>
    /// A Retry or Catch field: an array of objects (each may have a Comment, and nothing <paramref name="read"/> does not
    /// take), in which States.ALL stands alone in the last entry; empty when the field is absent.
    /// </summary>
    static List<T> ReadErrorHandlers<T>(Fields r, string field, string location, string what,
        Func<T, IReadOnlyList<string>> errorEquals, Func<Fields, string, T> read)
    {
        if (r.Take(field) is not { } node) return [];
        if (node is not JsonArray array) throw new StatesDefinitionException($"{location}: \"{field}\" must be an array");
        var handlers = array.Select((n, i) =>
        {
            var where = $"{location} {field}[{i}]";
            if (n is not JsonObject obj) throw new StatesDefinitionException($"{where}: {what} must be an object");
            var f = new Fields(obj, where);
            f.OptionalString("Comment");
            var handler = read(f, where);
            f.NoOthers(what);
            return handler;
        }).ToList();
        CheckAllIsLast([.. handlers.Select(errorEquals)], $"{location} {field}");
        return handlers;
    }

    static List<string> ErrorEquals(Fields f, string where)
    {
        if (f.Take("ErrorEquals") is not JsonArray errors || errors.Count == 0) throw new StatesDefinitionException($"{where}: \"ErrorEquals\" must be a non-empty array of error names");
        return [.. errors.Select(e => JsonText.IsString(e, out var s) ? s : throw new StatesDefinitionException($"{where}: error names are strings"))];
    }

    /// <summary>States.ALL must stand alone, in the last retrier or catcher.</summary>
    static void CheckAllIsLast(List<IReadOnlyList<string>> lists, string where)
    {
        for (var i = 0; i < lists.Count; i++)
        {
            if (!lists[i].Contains(StatesErrorNames.All)) continue;
            if (lists[i].Count > 1) throw new StatesDefinitionException($"{where}[{i}]: States.ALL must appear alone in ErrorEquals");
            if (i != lists.Count - 1) throw new StatesDefinitionException($"{where}[{i}]: States.ALL must be in the last entry");
        }
    }
}
