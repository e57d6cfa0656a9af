using System.Net;
using Amazon.Runtime;
using Nob.Aws.Protocol;

namespace Nob.Aws.Mq.Internal;

/// <summary>Turns Amazon MQ error responses (<c>{"errorAttribute": "…", "message": "…"}</c>) into typed <see cref="AmazonMqException"/>s.</summary>
internal sealed class MqErrors() : ServiceExceptionFactory("errorAttribute")
{
    public static MqErrors Instance { get; } = new();

    public override AmazonServiceException Create(JsonErrorBody error, HttpStatusCode statusCode, Exception innerException)
        => Create(error.SdkCode, error.Message, error.Member("errorAttribute"), error.RequestId, statusCode, innerException);

    private enum Kind
    {
        Other,
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict,
        InternalServerError,
        TooManyRequests,
    }

    /// <summary>Chooses the exception type by the error code, else by the HTTP status.</summary>
    public static AmazonMqException Create(string? code, string? message, string? errorAttribute, string? requestId, HttpStatusCode statusCode, Exception? innerException)
    {
        var error = new ServiceErrorDetails(message ?? $"Amazon MQ returned HTTP {(int)statusCode}.", code, requestId, statusCode, innerException);
        var kind = KindOfCode(code) ?? KindOfStatus(statusCode);
        return kind switch
        {
            Kind.BadRequest => new MqBadRequestException(error, errorAttribute),
            Kind.Unauthorized => new MqUnauthorizedException(error, errorAttribute),
            Kind.Forbidden => new MqForbiddenException(error, errorAttribute),
            Kind.NotFound => new MqNotFoundException(error, errorAttribute),
            Kind.Conflict => new MqConflictException(error, errorAttribute),
            Kind.InternalServerError => new MqInternalServerErrorException(error, errorAttribute),
            Kind.TooManyRequests => new MqTooManyRequestsException(error, errorAttribute),
            _ => new AmazonMqException(error, errorAttribute),
        };
    }

    private static Kind? KindOfCode(string? code) => code switch
    {
        "BadRequestException" => Kind.BadRequest,
        "UnauthorizedException" => Kind.Unauthorized,
        "ForbiddenException" => Kind.Forbidden,
        "NotFoundException" => Kind.NotFound,
        "ConflictException" => Kind.Conflict,
        "InternalServerErrorException" => Kind.InternalServerError,
        "TooManyRequestsException" or "ThrottlingException" or "Throttling" => Kind.TooManyRequests,
        _ => null,
    };

    private static Kind KindOfStatus(HttpStatusCode statusCode) => (int)statusCode switch
    {
        400 => Kind.BadRequest,
        401 => Kind.Unauthorized,
        403 => Kind.Forbidden,
        404 => Kind.NotFound,
        409 => Kind.Conflict,
        500 => Kind.InternalServerError,
        429 => Kind.TooManyRequests,
        _ => Kind.Other,
    };

    /// <summary>
    /// Returns <paramref name="exception"/> unchanged unless one of <paramref name="secrets"/> appears in its text;
    /// then an equivalent exception whose message and error attribute have the secrets masked and no inner exception.
    /// </summary>
    public static Exception Redact(Exception exception, IReadOnlyCollection<string> secrets)
    {
        var text = exception.ToString();
        var leaked = secrets.Where(s => !string.IsNullOrEmpty(s) && text.Contains(s, StringComparison.Ordinal)).ToList();
        if (leaked.Count == 0)
        {
            return exception;
        }

        string? Mask(string? value) => value is null ? null : leaked.Aggregate(value, (acc, s) => acc.Replace(s, Model.Redaction.Mask, StringComparison.Ordinal));

        return exception switch
        {
            AmazonMqException mq => Create(mq.ErrorCode, Mask(mq.Message), Mask(mq.ErrorAttribute), mq.RequestId, mq.StatusCode, null),
            AmazonServiceException service => new AmazonMqException(new ServiceErrorDetails(Mask(service.Message)!, service.ErrorCode, service.RequestId, service.StatusCode, null), null),
            _ => new AmazonMqException(Mask(exception.Message)!, null),
        };
    }
}
