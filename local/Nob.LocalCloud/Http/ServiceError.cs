namespace Nob.LocalCloud.Http;

/// <summary>An error a handler answers with; the dispatcher writes it in the protocol of the service that was called.</summary>
internal sealed class ServiceError(int status, string code, string message, string? errorAttribute = null) : Exception(message)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    /// <summary>Amazon MQ's <c>errorAttribute</c>: which request member is wrong.</summary>
    public string? ErrorAttribute { get; } = errorAttribute;
}

/// <summary>The AWS wire protocols the endpoint speaks.</summary>
internal enum WireProtocol
{
    /// <summary>Amazon MQ: REST paths, JSON bodies, errors as <c>{"message","errorAttribute"}</c> plus <c>x-amzn-ErrorType</c>.</summary>
    RestJson,

    /// <summary>SSM: POST with <c>X-Amz-Target</c>, <c>application/x-amz-json-1.1</c>, errors as <c>{"__type","message"}</c>.</summary>
    Json11,

    /// <summary>EC2: form-encoded POST, XML responses, errors as <c>&lt;Response&gt;&lt;Errors&gt;&lt;Error&gt;</c>.</summary>
    Ec2Query,

    /// <summary>API Gateway (<c>execute-api</c>) and the admin routes: errors as <c>{"message"}</c> plus <c>x-amzn-ErrorType</c>.</summary>
    ApiGateway,
}
