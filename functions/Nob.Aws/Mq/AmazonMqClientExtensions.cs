using System.Runtime.CompilerServices;
using Nob.Aws.Mq.Model;

namespace Nob.Aws.Mq;

/// <summary>Paging helpers: follow <c>nextToken</c> until the last page.</summary>
public static class AmazonMqClientExtensions
{
    /// <summary>Every broker summary, page by page (<c>maxResults</c> = <paramref name="pageSize"/> when given).</summary>
    public static async IAsyncEnumerable<BrokerSummary> ListBrokersPaginatedAsync(
        this IAmazonMqClient client, int? pageSize = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var tokens = new TokenGuard("ListBrokers");
        string? nextToken = null;
        do
        {
            var page = await client.ListBrokersAsync(new ListBrokersRequest { MaxResults = pageSize, NextToken = nextToken }, cancellationToken).ConfigureAwait(false);
            foreach (var summary in page.BrokerSummaries)
            {
                yield return summary;
            }

            nextToken = tokens.Next(page.NextToken);
        }
        while (nextToken is not null);
    }

    /// <summary>All broker summaries of the account and region.</summary>
    public static async Task<IReadOnlyList<BrokerSummary>> ListAllBrokersAsync(
        this IAmazonMqClient client, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        var all = new List<BrokerSummary>();
        await foreach (var summary in client.ListBrokersPaginatedAsync(pageSize, cancellationToken).ConfigureAwait(false))
        {
            all.Add(summary);
        }

        return all;
    }

    /// <summary>All users of a broker.</summary>
    public static async Task<IReadOnlyList<UserSummary>> ListAllUsersAsync(
        this IAmazonMqClient client, string brokerId, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var tokens = new TokenGuard("ListUsers");
        var all = new List<UserSummary>();
        string? nextToken = null;
        do
        {
            var page = await client.ListUsersAsync(new ListUsersRequest { BrokerId = brokerId, MaxResults = pageSize, NextToken = nextToken }, cancellationToken).ConfigureAwait(false);
            all.AddRange(page.Users);
            nextToken = tokens.Next(page.NextToken);
        }
        while (nextToken is not null);
        return all;
    }

    /// <summary>All revisions of a configuration.</summary>
    public static async Task<IReadOnlyList<ConfigurationRevision>> ListAllConfigurationRevisionsAsync(
        this IAmazonMqClient client, string configurationId, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var tokens = new TokenGuard("ListConfigurationRevisions");
        var all = new List<ConfigurationRevision>();
        string? nextToken = null;
        do
        {
            var page = await client.ListConfigurationRevisionsAsync(
                new ListConfigurationRevisionsRequest { ConfigurationId = configurationId, MaxResults = pageSize, NextToken = nextToken }, cancellationToken).ConfigureAwait(false);
            all.AddRange(page.Revisions);
            nextToken = tokens.Next(page.NextToken);
        }
        while (nextToken is not null);
        return all;
    }

    // Stops on an empty token; refuses a token seen before (a service bug would otherwise loop forever).
    private sealed class TokenGuard(string operation)
    {
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

        public string? Next(string? token)
        {
            if (string.IsNullOrEmpty(token))
            {
                return null;
            }

            if (!_seen.Add(token))
            {
                throw new InvalidOperationException($"{operation} returned a nextToken it had returned before; stopping to avoid an endless loop.");
            }

            return token;
        }
    }
}
