namespace Nob.LocalCloud.Tests.States;

/// <summary>One endpoint hosting the test workflow, shared by a test class; its data folder goes with it.</summary>
public sealed class StatesFixture : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"nob-states-tests-{Guid.NewGuid():N}");

    internal FakeFunctions Functions { get; } = new();

    internal WorkflowCloud Cloud { get; private set; } = null!;

    public string EventsFile => Path.Combine(_root, "events.jsonl");

    public async Task InitializeAsync() => Cloud = await WorkflowCloud.StartAsync(Path.Combine(_root, "cloud"), Functions, EventsFile);

    public async Task DisposeAsync()
    {
        if (Cloud is not null)
        {
            await Cloud.DisposeAsync();
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
