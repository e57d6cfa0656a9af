using Amazon.Runtime;

namespace Nob.Aws;

/// <summary>
/// How every AWS client nob builds retries, in one place (the composition root applies it to the Amazon MQ, Step
/// Functions, EC2 and SSM clients). AWSSDK.Core's standard retry mode retries, with exponential backoff and full jitter
/// (capped at 20 s): throttling (HTTP 429 and the throttling error codes, such as EC2's RequestLimitExceeded and SSM's
/// ThrottlingException, from a longer base delay), HTTP 500/502/503/504, and I/O failures (a connection reset, refused or
/// cut short; AWSSDK.Core 4.1 retries a reset some 10 times beyond this count). It is set here explicitly, so AWS_RETRY_MODE, AWS_MAX_ATTEMPTS or a profile cannot change it. What
/// outlasts these attempts reaches the adapters, which name it (<see cref="Adapters.TransientFaults"/>) for the state
/// machines' own retries.
/// </summary>
public static class NobClientDefaults
{
    /// <summary>Retries after the first attempt: six attempts in all (the SDK's default is three). Amazon MQ allows about
    /// 15 requests/s per account and a build's Map states burst past it.</summary>
    public const int MaxErrorRetry = 5;

    public static T Apply<T>(T config)
        where T : ClientConfig
    {
        ArgumentNullException.ThrowIfNull(config);
        config.RetryMode = RequestRetryMode.Standard;
        config.MaxErrorRetry = MaxErrorRetry;
        return config;
    }
}
