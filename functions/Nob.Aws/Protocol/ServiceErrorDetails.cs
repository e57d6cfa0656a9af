using System.Net;

namespace Nob.Aws.Protocol;

/// <summary>
/// What a service answered to a failed request, as every exception of the hand-written clients carries it: the service's
/// message, the error code, the request id, the HTTP status, and what the SDK's pipeline caught underneath.
/// </summary>
public sealed record ServiceErrorDetails(string Message, string? ErrorCode, string? RequestId, HttpStatusCode StatusCode, Exception? InnerException);
