using System.Runtime.CompilerServices;
using Nob.Aws.Protocol;
using Nob.Aws.StepFunctions.Model;

namespace Nob.Aws.StepFunctions;

/// <summary>Paging helpers: follow <c>nextToken</c>, bounded by a number of pages (<see cref="NextTokenPages"/>).</summary>
public static class AmazonStepFunctionsClientExtensions
{
    /// <summary>
    /// The executions of a state machine, newest first, page by page, for at most <paramref name="maxPages"/> pages
    /// (a state machine keeps 90 days of history; callers looking for recent executions should not read it all).
    /// </summary>
    public static async IAsyncEnumerable<ExecutionListItem> ListExecutionsPaginatedAsync(
        this IAmazonStepFunctionsClient client,
        string stateMachineArn,
        string? statusFilter = null,
        int? pageSize = null,
        int maxPages = int.MaxValue,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPages, 1);
        var executions = NextTokenPages.ItemsAsync(
            "ListExecutions",
            (token, ct) => client.ListExecutionsAsync(
                new ListExecutionsRequest { StateMachineArn = stateMachineArn, StatusFilter = statusFilter, MaxResults = pageSize, NextToken = token }, ct),
            page => (page.Executions, page.NextToken),
            maxPages,
            cancellationToken: cancellationToken);
        await foreach (var execution in executions.ConfigureAwait(false))
        {
            yield return execution;
        }
    }

    /// <summary>An execution's whole history so far, oldest first, for at most <paramref name="maxPages"/> pages of 1,000 events.</summary>
    public static async Task<IReadOnlyList<HistoryEvent>> GetExecutionHistoryAllAsync(
        this IAmazonStepFunctionsClient client, string executionArn, int maxPages = 100, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPages, 1);
        return await NextTokenPages.AllItemsAsync(
            "GetExecutionHistory",
            (token, ct) => client.GetExecutionHistoryAsync(new GetExecutionHistoryRequest { ExecutionArn = executionArn, MaxResults = 1000, NextToken = token }, ct),
            page => (page.Events, page.NextToken),
            maxPages,
            () => new InvalidOperationException($"The history of {executionArn} has more than {maxPages} pages; stopped reading it."),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every state machine of the account in the region, for at most <paramref name="maxPages"/> pages.</summary>
    public static async Task<IReadOnlyList<StateMachineListItem>> ListAllStateMachinesAsync(
        this IAmazonStepFunctionsClient client, int maxPages = 10, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return await NextTokenPages.AllItemsAsync(
            "ListStateMachines",
            (token, ct) => client.ListStateMachinesAsync(new ListStateMachinesRequest { MaxResults = 1000, NextToken = token }, ct),
            page => (page.StateMachines, page.NextToken),
            maxPages,
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
