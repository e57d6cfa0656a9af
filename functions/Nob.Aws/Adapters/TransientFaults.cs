using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Amazon.Runtime;

namespace Nob.Aws.Adapters;

// Named step errors for what is left of a transient fault after the SDK's own retries (NobClientDefaults): the ASL
// retries both by name, with backoff, on every Lambda task. An exception's short class name is its Step Functions
// error name; keep these stable. Messages name the service and operation, never a secret.

/// <summary>An AWS service kept throttling a call (HTTP 429, Throttling, RequestLimitExceeded, TooManyUpdates, …).</summary>
public sealed class AwsThrottlingException(string service, string operation, Exception innerException)
    : Exception($"{service} throttled {operation} through all of the client's retries: {innerException.Message}", innerException)
{
    public string Service { get; } = service;
    public string Operation { get; } = operation;
}

/// <summary>An AWS service kept failing a call with HTTP 5xx, or could not be reached (connection reset or refused, timeout).</summary>
public sealed class AwsServiceUnavailableException(string service, string operation, Exception innerException)
    : Exception($"{service} was unavailable for {operation} through all of the client's retries: {innerException.Message}", innerException)
{
    public string Service { get; } = service;
    public string Operation { get; } = operation;
}

/// <summary>Runs an adapter's calls and turns transient faults that survived the SDK's retries into the named errors above.</summary>
public static class TransientFaults
{
    // Error codes AWS services use for throttling (the SDK's standard retry mode treats the same codes as throttling).
    static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "RequestLimitExceeded", "BandwidthLimitExceeded", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException", "TooManyUpdates", "ThrottlingError",
    };

    // Error codes for a service-side failure that a later attempt may not see.
    static readonly HashSet<string> UnavailableCodes = new(StringComparer.Ordinal)
    {
        "ServiceUnavailable", "ServiceUnavailableException", "Unavailable", "InternalError", "InternalFailure", "InternalServerError",
        "InternalServerErrorException", "InternalServiceError", "RequestTimeout", "RequestTimeoutException",
    };

    public static async Task<T> RunAsync<T>(string service, string operation, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(service, operation, e, cancellationToken) is { } named)
        {
            throw named;
        }
    }

    public static Task RunAsync(string service, string operation, Func<Task> call, CancellationToken cancellationToken) =>
        RunAsync(service, operation, async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>The named error for a transient fault, or null for anything else (which the adapter's caller handles).</summary>
    public static Exception? Translate(string service, string operation, Exception e, CancellationToken cancellationToken)
    {
        switch (e)
        {
            case AwsThrottlingException or AwsServiceUnavailableException:
                return null;
            case AmazonServiceException s when IsThrottling(s):
                return new AwsThrottlingException(service, operation, e);
            case AmazonServiceException s when IsUnavailable(s):
                return new AwsServiceUnavailableException(service, operation, e);
            case AmazonServiceException { StatusCode: 0 } s when s.InnerException is { } inner && IsNetwork(inner, cancellationToken):
                return new AwsServiceUnavailableException(service, operation, e);
            case AmazonClientException when e.InnerException is { } inner && IsNetwork(inner, cancellationToken):
                return new AwsServiceUnavailableException(service, operation, e);
            default:
                return IsNetwork(e, cancellationToken) ? new AwsServiceUnavailableException(service, operation, e) : null;
        }
    }

    static bool IsThrottling(AmazonServiceException e) =>
        e.Retryable?.Throttling == true
        || e.StatusCode == HttpStatusCode.TooManyRequests
        || (e.ErrorCode is { } code && ThrottlingCodes.Contains(code));

    static bool IsUnavailable(AmazonServiceException e) =>
        e.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
        || (e.ErrorCode is { } code && UnavailableCodes.Contains(code));

    // A connection reset, refused or cut short, or an HTTP timeout; not the caller's own cancellation.
    static bool IsNetwork(Exception e, CancellationToken cancellationToken) => e switch
    {
        HttpRequestException or SocketException or IOException or WebException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };
}
