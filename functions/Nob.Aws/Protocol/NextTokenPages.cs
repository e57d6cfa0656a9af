using System.Runtime.CompilerServices;

namespace Nob.Aws.Protocol;

/// <summary>
/// Follows an operation's <c>nextToken</c> page by page: stops on an empty token, refuses a token seen before (a service
/// bug would otherwise loop forever) and reads at most <c>maxPages</c> pages.
/// </summary>
internal static class NextTokenPages
{
    /// <summary>
    /// The items of <paramref name="operation"/>'s pages in order, each page fetched only when the one before has been
    /// consumed; <paramref name="read"/> gives a page's items and next token. Past <paramref name="maxPages"/> with a
    /// token still given, throws <paramref name="tooManyPages"/>'s exception if given, else stops.
    /// </summary>
    public static async IAsyncEnumerable<TItem> ItemsAsync<TPage, TItem>(
        string operation,
        Func<string?, CancellationToken, Task<TPage>> fetch,
        Func<TPage, (IEnumerable<TItem> Items, string? NextToken)> read,
        int maxPages = int.MaxValue,
        Func<Exception>? tooManyPages = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPages, 1);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? nextToken = null;
        for (var page = 0; page < maxPages; page++)
        {
            var (items, next) = read(await fetch(nextToken, cancellationToken).ConfigureAwait(false));
            foreach (var item in items)
            {
                yield return item;
            }

            nextToken = next;
            if (string.IsNullOrEmpty(nextToken))
            {
                yield break;
            }

            if (!seen.Add(nextToken))
            {
                throw new InvalidOperationException($"{operation} returned a nextToken it had returned before; stopping to avoid an endless loop.");
            }
        }

        if (tooManyPages is not null)
        {
            throw tooManyPages();
        }
    }

    /// <summary><see cref="ItemsAsync"/> read to the end.</summary>
    public static async Task<IReadOnlyList<TItem>> AllItemsAsync<TPage, TItem>(
        string operation,
        Func<string?, CancellationToken, Task<TPage>> fetch,
        Func<TPage, (IEnumerable<TItem> Items, string? NextToken)> read,
        int maxPages = int.MaxValue,
        Func<Exception>? tooManyPages = null,
        CancellationToken cancellationToken = default)
    {
        var all = new List<TItem>();
        await foreach (var item in ItemsAsync(operation, fetch, read, maxPages, tooManyPages, cancellationToken).ConfigureAwait(false))
        {
            all.Add(item);
        }

        return all;
    }
}
