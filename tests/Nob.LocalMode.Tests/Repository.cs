namespace Nob.LocalMode.Tests;

/// <summary>The repository these tests run from (the folder holding Workflow.sln).</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    public static string Examples => Path.Combine(Root, "examples");

    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Workflow.sln")) && File.Exists(Path.Combine(dir.FullName, "template.yaml"))) return dir.FullName;
        throw new InvalidOperationException("Workflow.sln not found above " + AppContext.BaseDirectory);
    }
}
