using System.Globalization;
using Nob.Core.Api;

namespace Nob.Testing;

/// <summary>
/// An in-memory Step Functions state machine with its naming rules: starting the same name with the same input while
/// it runs returns that execution; a closed execution's name, or a running one with other input, is taken.
/// </summary>
public sealed class FakeWorkflowExecutions(TimeProvider time) : IWorkflowExecutions
{
    public sealed class Execution
    {
        public required string StateMachineArn { get; init; }
        public required string Name { get; init; }
        public required string Arn { get; init; }
        public required string Input { get; init; }
        public required DateTimeOffset StartDate { get; init; }
        public string Status { get; set; } = "RUNNING";
        public DateTimeOffset? StopDate { get; set; }
        public string? Output { get; set; }
        public string? Error { get; set; }
        public string? Cause { get; set; }
    }

    /// <summary>Oldest first.</summary>
    public List<Execution> Executions { get; } = [];

    public int StartCalls { get; private set; }
    public int ListCalls { get; private set; }
    public int DescribeCalls { get; private set; }

    /// <summary>When set, every call throws it (counted first): a state machine that does not exist, or a service down.</summary>
    public Exception? Failure { get; set; }

    public Task<StartedExecution> StartAsync(string stateMachineArn, string name, string inputJson, CancellationToken cancellationToken)
    {
        StartCalls++;
        if (Failure is not null) throw Failure;
        if (name.Length is 0 or > 80) throw new ArgumentException($"invalid execution name {name}");
        var existing = Executions.FirstOrDefault(e => e.StateMachineArn == stateMachineArn && e.Name == name);
        if (existing is not null)
        {
            if (existing.Status == "RUNNING" && existing.Input == inputJson) return Task.FromResult(new StartedExecution(existing.Arn, existing.StartDate));
            throw new ExecutionNameTakenException(name);
        }

        var execution = new Execution
        {
            StateMachineArn = stateMachineArn,
            Name = name,
            Arn = stateMachineArn.Replace(":stateMachine:", ":execution:", StringComparison.Ordinal) + ":" + name,
            Input = inputJson,
            StartDate = time.GetUtcNow(),
        };
        Executions.Add(execution);
        return Task.FromResult(new StartedExecution(execution.Arn, execution.StartDate));
    }

    public Task<ExecutionPage> ListAsync(string stateMachineArn, string? nextToken, int pageSize, CancellationToken cancellationToken)
    {
        ListCalls++;
        if (Failure is not null) throw Failure;
        var newestFirst = Executions.Where(e => e.StateMachineArn == stateMachineArn).Reverse().ToList();
        var start = nextToken is null ? 0 : int.Parse(nextToken, CultureInfo.InvariantCulture);
        var page = newestFirst.Skip(start).Take(pageSize)
            .Select(e => new WorkflowExecution(e.Name, e.Arn, e.Status, e.StartDate, e.StopDate)).ToList();
        var next = start + pageSize < newestFirst.Count ? (start + pageSize).ToString(CultureInfo.InvariantCulture) : null;
        return Task.FromResult(new ExecutionPage(page, next));
    }

    public Task<ExecutionDetails?> DescribeAsync(string executionArn, CancellationToken cancellationToken)
    {
        DescribeCalls++;
        if (Failure is not null) throw Failure;
        var e = Executions.SingleOrDefault(x => x.Arn == executionArn);
        return Task.FromResult(e is null ? null : new ExecutionDetails(e.Name, e.Arn, e.StateMachineArn, e.Status, e.StartDate, e.StopDate, e.Input, e.Output, e.Error, e.Cause));
    }

    /// <summary>Ends an execution (SUCCEEDED by default), with its output or its error and cause.</summary>
    public void Close(string name, string status = "SUCCEEDED", string? output = null, string? error = null, string? cause = null)
    {
        var execution = Executions.Single(e => e.Name == name);
        execution.Status = status;
        execution.StopDate = time.GetUtcNow();
        execution.Output = output;
        execution.Error = error;
        execution.Cause = cause;
    }
}

/// <summary>State machine ARNs for the API's tests, as template.yaml's stack would name them.</summary>
public static class FakeStateMachines
{
    public static ApiStateMachines In(string region = "eu-west-1", string account = "111122223333") => new(
        $"arn:aws:states:{region}:{account}:stateMachine:nob-build-network",
        $"arn:aws:states:{region}:{account}:stateMachine:nob-teardown-network",
        $"arn:aws:states:{region}:{account}:stateMachine:nob-check-drift");
}
