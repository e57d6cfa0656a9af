using System.Runtime.CompilerServices;

namespace Nob.Aws.Protocol;

/// <summary>
/// Follows an operation's <c>nextToken</c> page by page: stops on an empty token, refuses a token seen before (a service
/// bug would otherwise loop forever) and reads at most <c>maxPages</c> pages.
/// </summary>
internal static class NextTokenPages
{
    /// <summary>
    /// The pages of <paramref name="operation"/>, each fetched only when the one before has been consumed. Past
    /// <paramref name="maxPages"/> with a token still given, throws <paramref name="tooManyPages"/>'s exception if given,
    /// else stops.
    /// </summary>
    public static async IAsyncEnumerable<TPage> ReadAsync<TPage>(
        string operation,
        Func<string?, CancellationToken, Task<TPage>> fetch,
        Func<TPage, string?> nextTokenOf,
        int maxPages = int.MaxValue,
        Func<Exception>? tooManyPages = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPages, 1);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? nextToken = null;
        for (var page = 0; page < maxPages; page++)
        {
            var response = await fetch(nextToken, cancellationToken).ConfigureAwait(false);
            yield return response;

            nextToken = nextTokenOf(response);
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

    /// <summary>Every item of every page of <paramref name="pages"/>, in order.</summary>
    public static async Task<IReadOnlyList<TItem>> CollectAsync<TPage, TItem>(IAsyncEnumerable<TPage> pages, Func<TPage, IEnumerable<TItem>> itemsOf)
    {
        var all = new List<TItem>();
        await foreach (var page in pages.ConfigureAwait(false))
        {
            all.AddRange(itemsOf(page));
        }

        return all;
    }
}
