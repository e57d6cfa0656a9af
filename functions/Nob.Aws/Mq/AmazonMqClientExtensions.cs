using System.Runtime.CompilerServices;
using Nob.Aws.Mq.Model;
using Nob.Aws.Protocol;

namespace Nob.Aws.Mq;

/// <summary>Paging helpers: follow <c>nextToken</c> until the last page (<see cref="NextTokenPages"/>).</summary>
public static class AmazonMqClientExtensions
{
    /// <summary>Every broker summary, page by page (<c>maxResults</c> = <paramref name="pageSize"/> when given).</summary>
    public static async IAsyncEnumerable<BrokerSummary> ListBrokersPaginatedAsync(
        this IAmazonMqClient client, int? pageSize = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var summaries = NextTokenPages.ItemsAsync(
            "ListBrokers",
            (token, ct) => client.ListBrokersAsync(new ListBrokersRequest { MaxResults = pageSize, NextToken = token }, ct),
            page => (page.BrokerSummaries, page.NextToken),
            cancellationToken: cancellationToken);
        await foreach (var summary in summaries.ConfigureAwait(false))
        {
            yield return summary;
        }
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
        return await NextTokenPages.AllItemsAsync(
            "ListUsers",
            (token, ct) => client.ListUsersAsync(new ListUsersRequest { BrokerId = brokerId, MaxResults = pageSize, NextToken = token }, ct),
            page => (page.Users, page.NextToken),
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>All revisions of a configuration.</summary>
    public static async Task<IReadOnlyList<ConfigurationRevision>> ListAllConfigurationRevisionsAsync(
        this IAmazonMqClient client, string configurationId, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return await NextTokenPages.AllItemsAsync(
            "ListConfigurationRevisions",
            (token, ct) => client.ListConfigurationRevisionsAsync(
                new ListConfigurationRevisionsRequest { ConfigurationId = configurationId, MaxResults = pageSize, NextToken = token }, ct),
            page => (page.Revisions, page.NextToken),
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
