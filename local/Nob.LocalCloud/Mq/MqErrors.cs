using Nob.LocalCloud.Http;

namespace Nob.LocalCloud.Mq;

/// <summary>The errors Amazon MQ answers with, as the local endpoint words them.</summary>
internal static class MqErrors
{
    public static ServiceError BadRequest(string message, string attribute) => new(400, "BadRequestException", message, attribute);

    public static ServiceError Missing(string attribute) => BadRequest($"The request is missing the required parameter [{attribute}].", attribute);

    public static ServiceError NotFound(string message, string attribute) => new(404, "NotFoundException", message, attribute);

    public static ServiceError Conflict(string message, string attribute) => new(409, "ConflictException", message, attribute);
}
