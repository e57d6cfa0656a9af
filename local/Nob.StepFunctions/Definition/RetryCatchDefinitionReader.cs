using System.Text.Json.Nodes;

namespace Nob.StepFunctions.Definition;

// Retry and Catch of Task, Map and Parallel states: retriers, catchers and their ErrorEquals.
internal static partial class DefinitionReader
{
    static List<Retrier> ReadRetry(Fields r, string location)
    {
        if (r.Take("Retry") is not { } node) return [];
        if (node is not JsonArray array) throw new StatesDefinitionException($"{location}: \"Retry\" must be an array");
        var retriers = array.Select((n, i) =>
        {
            var where = $"{location} Retry[{i}]";
            if (n is not JsonObject obj) throw new StatesDefinitionException($"{where}: a retrier must be an object");
            var f = new Fields(obj, where);
            f.OptionalString("Comment");
            var retrier = new Retrier
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
            };
            f.NoOthers("a retrier");
            return retrier;
        }).ToList();
        CheckAllIsLast(retriers.Select(x => x.ErrorEquals).ToList(), $"{location} Retry");
        return retriers;
    }

    static List<Catcher> ReadCatch(Fields r, string location)
    {
        if (r.Take("Catch") is not { } node) return [];
        if (node is not JsonArray array) throw new StatesDefinitionException($"{location}: \"Catch\" must be an array");
        var catchers = array.Select((n, i) =>
        {
            var where = $"{location} Catch[{i}]";
            if (n is not JsonObject obj) throw new StatesDefinitionException($"{where}: a catcher must be an object");
            var f = new Fields(obj, where);
            f.OptionalString("Comment");
            f.Unsupported("Assign", "variables are not implemented");
            f.Unsupported("Output", "it belongs to JSONata");
            var catcher = new Catcher { ErrorEquals = ErrorEquals(f, where), Next = f.RequiredString("Next"), ResultPath = f.ResultPath("ResultPath") };
            f.NoOthers("a catcher");
            return catcher;
        }).ToList();
        CheckAllIsLast(catchers.Select(x => x.ErrorEquals).ToList(), $"{location} Catch");
        return catchers;
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
