namespace Nob.LocalCloud.Http;

/// <summary>
/// The error AWS answers a refused signature with, per wire protocol:
/// <code>
/// refusal            JSON 1.0/1.1 (ssm, states)          rest-json (mq)                       EC2 query (ec2)                     API Gateway (execute-api, admin)
/// no Authorization   403 MissingAuthenticationTokenExc.   403 MissingAuthenticationTokenExc.   403 MissingAuthenticationToken      403 MissingAuthenticationTokenException
/// malformed header   403 IncompleteSignatureException     403 IncompleteSignatureException     403 IncompleteSignature             403 IncompleteSignatureException
/// unknown key id     400 UnrecognizedClientException      403 UnrecognizedClientException      401 AuthFailure                     403 UnrecognizedClientException
/// bad signature      400 InvalidSignatureException        403 InvalidSignatureException        401 AuthFailure                     403 InvalidSignatureException
/// skew over 5 min    400 InvalidSignatureException        403 InvalidSignatureException        400 RequestExpired                  403 InvalidSignatureException
/// </code>
/// Why: the JSON protocols answer auth errors with 400 and <c>__type</c> (SSM, Step Functions, Cognito, DynamoDB are
/// reported that way: "The security token included in the request is invalid.", "The request signature we calculated
/// does not match…", "Signature expired: X is now earlier than Y (Z - 5 min.)"); rest-json services behind AWS's front
/// end (Lambda, Amazon MQ) give the same codes with 403 in <c>x-amzn-ErrorType</c>; EC2 never says which part failed
/// (401 AuthFailure "AWS was not able to validate the provided access credentials") and reports skew as 400
/// RequestExpired "Request has expired."; API Gateway's IAM authorization answers 403 with <c>{"message"}</c> and the
/// code in <c>x-amzn-ErrorType</c>. The admin routes are ours and use API Gateway's shape. Missing and malformed
/// headers keep the 403s the endpoint gave before signatures were checked (AWS's common errors list them as 403).
/// </summary>
internal static class SigV4Refusals
{
    public static ServiceError ToError(SigV4Refusal refusal, WireProtocol protocol) => (protocol, refusal.Failure) switch
    {
        (WireProtocol.Ec2Query, SigV4Failure.Missing) => new ServiceError(403, "MissingAuthenticationToken", refusal.Message),
        (WireProtocol.Ec2Query, SigV4Failure.Incomplete) => new ServiceError(403, "IncompleteSignature", refusal.Message),
        (WireProtocol.Ec2Query, SigV4Failure.UnknownAccessKey or SigV4Failure.BadSignature) =>
            new ServiceError(401, "AuthFailure", "AWS was not able to validate the provided access credentials"),
        (WireProtocol.Ec2Query, SigV4Failure.Expired) => new ServiceError(400, "RequestExpired", "Request has expired."),
        (_, SigV4Failure.Missing) => new ServiceError(403, "MissingAuthenticationTokenException", refusal.Message),
        (_, SigV4Failure.Incomplete) => new ServiceError(403, "IncompleteSignatureException", refusal.Message),
        (_, SigV4Failure.UnknownAccessKey) => new ServiceError(StatusOf(protocol), "UnrecognizedClientException", refusal.Message),
        _ => new ServiceError(StatusOf(protocol), "InvalidSignatureException", refusal.Message),
    };

    private static int StatusOf(WireProtocol protocol) => protocol == WireProtocol.Json11 ? 400 : 403;
}
