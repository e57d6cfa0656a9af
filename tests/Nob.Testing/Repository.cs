namespace Nob.Testing;

/// <summary>The repository the tests run in: its root (where Workflow.sln is), paths in it, and the example specs.</summary>
public static class Repository
{
    public static readonly string Root = FindRoot();

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Workflow.sln"))) return dir.FullName;
        throw new InvalidOperationException("Workflow.sln not found above " + AppContext.BaseDirectory);
    }

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string Example(string name) => File.ReadAllText(PathOf("examples", name + ".json"));

    public static IReadOnlyList<string> ExampleNames() =>
        [.. Directory.GetFiles(PathOf("examples"), "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal)];
}
