namespace Nob.Stomp.Tests.Infrastructure;

internal static class SystemCertificateValidation
{
    /// <summary>The same server and user with the client's default certificate validation (the system's trust), which refuses a self-signed server.</summary>
    public static StompClientOptions WithSystemCertificateValidation(this StompClientOptions options) => new()
    {
        Host = options.Host,
        Port = options.Port,
        Login = options.Login,
        Passcode = options.Passcode,
    };
}
