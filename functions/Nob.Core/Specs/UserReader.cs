using System.Text.Json.Nodes;
using static Nob.Core.Specs.SpecJson;
using static Nob.Core.Specs.SpecPatterns;

namespace Nob.Core.Specs;

/// <summary>Reads <c>user</c>: the user common to every broker and the SSM parameter of its password.</summary>
internal static class UserReader
{
    static readonly string[] UserFields = ["username", "passwordParameter"];

    public static UserSpec? Read(JsonNode? node, SpecErrors errors)
    {
        if (node is not JsonObject obj)
        {
            errors.Add("user", node is null ? "required; give {\"username\": …, \"passwordParameter\": …}" : $"{Describe(node)} is not an object");
            return null;
        }
        CheckFields(obj, "user", UserFields, errors);
        string? username = null, parameter = null;
        if (obj["username"] is null) errors.Add("user.username", "required; the user common to every broker of the network");
        else username = PatternString(obj["username"], "user.username", UsernamePattern(), "2-100 letters, digits or - . _ ~", errors);
        if (obj["passwordParameter"] is null) errors.Add("user.passwordParameter", "required; the name of the SSM SecureString parameter holding the common user's password");
        else parameter = PatternString(obj["passwordParameter"], "user.passwordParameter", ParameterNamePattern(), "an SSM parameter name such as \"/nob/tutorial/password\"", errors);
        return username is null || parameter is null ? null : new UserSpec(username, parameter);
    }
}
