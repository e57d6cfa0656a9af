using System.Runtime.CompilerServices;
using Nob.Aws.StepFunctions.Model;

namespace Nob.Aws.StepFunctions;

/// <summary>Paging helpers: follow <c>nextToken</c>, bounded by a number of pages.</summary>
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
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? nextToken = null;
        for (var page = 0; page < maxPages; page++)
        {
            var response = await client.ListExecutionsAsync(
                new ListExecutionsRequest { StateMachineArn = stateMachineArn, StatusFilter = statusFilter, MaxResults = pageSize, NextToken = nextToken },
                cancellationToken).ConfigureAwait(false);
            foreach (var item in response.Executions)
            {
                yield return item;
            }

            nextToken = response.NextToken;
            if (string.IsNullOrEmpty(nextToken))
            {
                yield break;
            }

            // A token seen before would loop forever.
            if (!seen.Add(nextToken))
            {
                throw new InvalidOperationException("ListExecutions returned a nextToken it had returned before; stopping to avoid an endless loop.");
            }
        }
    }

    /// <summary>An execution's whole history so far, oldest first, for at most <paramref name="maxPages"/> pages of 1,000 events.</summary>
    public static async Task<IReadOnlyList<HistoryEvent>> GetExecutionHistoryAllAsync(
        this IAmazonStepFunctionsClient client, string executionArn, int maxPages = 100, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPages, 1);
        var events = new List<HistoryEvent>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? nextToken = null;
        for (var page = 0; page < maxPages; page++)
        {
            var response = await client.GetExecutionHistoryAsync(
                new GetExecutionHistoryRequest { ExecutionArn = executionArn, MaxResults = 1000, NextToken = nextToken }, cancellationToken).ConfigureAwait(false);
            events.AddRange(response.Events);
            nextToken = response.NextToken;
            if (string.IsNullOrEmpty(nextToken))
            {
                return events;
            }

            if (!seen.Add(nextToken))
            {
                throw new InvalidOperationException("GetExecutionHistory returned a nextToken it had returned before; stopping to avoid an endless loop.");
            }
        }

        throw new InvalidOperationException($"The history of {executionArn} has more than {maxPages} pages; stopped reading it.");
    }

    /// <summary>Every state machine of the account in the region, for at most <paramref name="maxPages"/> pages.</summary>
    public static async Task<IReadOnlyList<StateMachineListItem>> ListAllStateMachinesAsync(
        this IAmazonStepFunctionsClient client, int maxPages = 10, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var machines = new List<StateMachineListItem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? nextToken = null;
        for (var page = 0; page < maxPages; page++)
        {
            var response = await client.ListStateMachinesAsync(new ListStateMachinesRequest { MaxResults = 1000, NextToken = nextToken }, cancellationToken).ConfigureAwait(false);
            machines.AddRange(response.StateMachines);
            nextToken = response.NextToken;
            if (string.IsNullOrEmpty(nextToken))
            {
                return machines;
            }

            if (!seen.Add(nextToken))
            {
                throw new InvalidOperationException("ListStateMachines returned a nextToken it had returned before; stopping to avoid an endless loop.");
            }
        }

        return machines;
    }
}
