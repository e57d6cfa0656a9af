using System.Text.RegularExpressions;
using Nob.Core.Specs;
using Nob.Testing;

namespace Nob.Core.Tests;

/// <summary>
/// The tests mirror the source, so a reader finds them: each product project has one test project of its name (plus the
/// suites named for the parts they test together), and each port of Core has one fake, in Nob.Testing, as the clock and
/// the repository's root have one each. Read from the tree and the assemblies.
/// </summary>
public partial class TestLayoutTests
{
    static readonly string Tests = Repository.PathOf("tests");

    /// <summary>Test projects that test parts together, named for what they test rather than for one product project.</summary>
    static readonly string[] CrossCuttingSuites = ["Nob.LocalMode.Tests", "Nob.StateMachine.Tests", "Nob.TopologyProofs.Tests"];

    const string SharedSupport = "Nob.Testing";

    static IReadOnlyList<string> ProductProjects() =>
        [.. new[] { "functions", "local", "cli" }
            .SelectMany(folder => Directory.EnumerateFiles(Repository.PathOf(folder), "*.csproj", SearchOption.AllDirectories))
            .Select(p => Path.GetFileNameWithoutExtension(p)!)
            .Order(StringComparer.Ordinal)];

    static IReadOnlyList<string> TestProjects() =>
        [.. Directory.EnumerateFiles(Tests, "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetFileNameWithoutExtension(p)!)
            .Where(name => name != SharedSupport)
            .Order(StringComparer.Ordinal)];

    /// <summary>Every C# file of the test projects but the shared support, without build output.</summary>
    static IEnumerable<(string Path, string Code)> TestSources() =>
        Directory.EnumerateFiles(Tests, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or SharedSupport))
            .Select(p => (Path.GetRelativePath(Tests, p), WithoutCommentsOrStrings(File.ReadAllText(p))));

    /// <summary>Code only: a declaration in a comment or a string (this file's own examples) is not one.</summary>
    static string WithoutCommentsOrStrings(string code) => SourceCode.WithoutCommentsOrStrings(code);

    /// <summary>Core's ports: its public interfaces (what adapters implement and tests fake).</summary>
    static IReadOnlyList<string> CorePorts() =>
        [.. typeof(NetworkSpec).Assembly.GetExportedTypes().Where(t => t.IsInterface).Select(t => t.Name).Order(StringComparer.Ordinal)];

    /// <summary>The classes, records and structs declared in <paramref name="code"/> that list one of <paramref name="ports"/> among their bases.</summary>
    internal static IReadOnlyList<string> PortImplementations(string code, IReadOnlyCollection<string> ports) =>
        [.. TypeWithBases().Matches(code)
            .SelectMany(m => m.Groups["bases"].Value.Split(',')
                .Select(b => GenericArguments().Replace(b, "").Trim())
                .Select(b => b[(b.LastIndexOf('.') + 1)..]) // a qualified name too
                .Where(ports.Contains)
                .Select(port => $"{m.Groups["name"].Value} : {port}"))];

    [Fact]
    public void TestProjects_EachProductProject_HasOneOfItsName_AndEveryOtherIsACrossCuttingSuite()
    {
        var products = ProductProjects();
        var tests = TestProjects();

        var untested = products.Where(p => !tests.Contains($"{p}.Tests")).ToList();
        var unmatched = tests.Where(t => !CrossCuttingSuites.Contains(t) && !products.Contains(t[..^".Tests".Length])).ToList();

        Assert.Contains("Nob.Core", products);
        Assert.Empty(untested);
        Assert.Empty(unmatched);
        Assert.All(tests, t => Assert.EndsWith(".Tests", t, StringComparison.Ordinal));
    }

    [Fact]
    public void Fakes_NoTestProject_ImplementsACorePort_OutsideNobTesting()
    {
        var ports = CorePorts();

        var outside = TestSources().SelectMany(s => PortImplementations(s.Code, ports).Select(i => $"{s.Path}: {i}")).ToList();

        Assert.Contains("IBrokerService", ports);
        Assert.Empty(outside);
    }

    [Fact]
    public void Fakes_NobTesting_HasAtMostOneFakePerPort()
    {
        var ports = typeof(NetworkSpec).Assembly.GetExportedTypes().Where(t => t.IsInterface).ToList();
        var support = typeof(FakeBrokerService).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false }).ToList();

        var doubled = ports
            .Select(port => (port, fakes: support.Where(port.IsAssignableFrom).Select(t => t.FullName!).ToList()))
            .Where(x => x.fakes.Count > 1)
            .Select(x => $"{x.port.Name}: {string.Join(", ", x.fakes)}")
            .ToList();

        Assert.Empty(doubled);
        Assert.Equal(["FakeMessageProbe"], support.Where(typeof(Nob.Core.Verification.IMessageProbe).IsAssignableFrom).Select(t => t.Name));
    }

    [Fact]
    public void Fakes_OneClockAndOneRootFinder_BothInNobTesting()
    {
        var clocks = TestSources().Where(s => TimeProviderSubclass().IsMatch(s.Code)).Select(s => s.Path).ToList();
        var rootFinders = Directory.EnumerateFiles(Tests, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj") && File.ReadAllText(p).Contains("\"Workflow.sln\"", StringComparison.Ordinal))
            .Select(p => Path.GetRelativePath(Tests, p))
            .ToList();

        Assert.Empty(clocks);
        Assert.Equal([Path.Combine(SharedSupport, "Repository.cs")], rootFinders);
        Assert.True(typeof(TimeProvider).IsAssignableFrom(typeof(ManualClock)));
    }

    [Theory]
    [InlineData("sealed class Hook(FakeBrokerService inner, Action before) : IBrokerService\n{", "Hook : IBrokerService")]
    [InlineData("public sealed class Both\n    : IWorkflowExecutions, INetworkStore {", "Both : IWorkflowExecutions|Both : INetworkStore")]
    [InlineData("class Qualified : Nob.Core.Workflow.IBrokerService {", "Qualified : IBrokerService")]
    [InlineData("sealed class Proxy<T> : DispatchProxy where T : class {", "")]
    public void PortImplementations_FindsEachPortABaseListNames(string code, string expected)
    {
        var found = PortImplementations(code, ["IBrokerService", "IWorkflowExecutions", "INetworkStore"]);

        Assert.Equal(expected.Length == 0 ? [] : expected.Split('|'), found);
    }


    [GeneratedRegex(@"\b(?:class|record|struct)\s+(?<name>\w+)(?:<[^>{]*>)?\s*(?:\((?:[^()]|\([^()]*\))*\))?\s*:(?<bases>[^{;]+)", RegexOptions.Singleline)]
    private static partial Regex TypeWithBases();

    [GeneratedRegex(@"<[^>]*>|\bwhere\b.*", RegexOptions.Singleline)]
    private static partial Regex GenericArguments();

    [GeneratedRegex(@"\bclass\s+\w+(?:\([^)]*\))?\s*:\s*TimeProvider\b")]
    private static partial Regex TimeProviderSubclass();
}
