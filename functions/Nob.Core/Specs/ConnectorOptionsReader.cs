using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nob.Core.Configuration;
using static Nob.Core.Specs.SpecJson;

namespace Nob.Core.Specs;

/// <summary>Reads <c>connectorOptions</c>: networkConnector attributes Amazon MQ allows and the planner does not set.</summary>
internal static class ConnectorOptionsReader
{
    public static Dictionary<string, string>? Read(JsonNode? node, SpecErrors errors)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is null) return options;
        if (node is not JsonObject obj)
        {
            errors.Add("connectorOptions", $"{Describe(node)} is not an object of networkConnector attributes");
            return null;
        }
        var ok = true;
        foreach (var (key, value) in obj)
        {
            var path = Join("connectorOptions", key);
            if (IsPasswordField(key)) { ok = false; continue; }
            if (NetworkConnectorRules.Managed.Contains(key))
            {
                errors.Add(path, $"\"{key}\" is set by the planner for every connector and cannot be overridden");
                ok = false;
                continue;
            }
            if (!NetworkConnectorRules.Attributes.TryGetValue(key, out var kind))
            {
                var allowed = NetworkConnectorRules.Attributes.Keys.Where(k => !NetworkConnectorRules.Managed.Contains(k)).Order(StringComparer.Ordinal);
                errors.Add(path, $"not a networkConnector attribute Amazon MQ allows; allowed: {string.Join(", ", allowed)}");
                ok = false;
                continue;
            }
            var rule = ConnectorOptionRules.Options[key];
            string? text = null, problem = null;
            switch (value)
            {
                case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False && kind == NetworkConnectorRules.AttributeKind.Boolean:
                    text = v.GetValue<bool>() ? "true" : "false";
                    break;
                case JsonValue v when v.GetValueKind() == JsonValueKind.Number && kind == NetworkConnectorRules.AttributeKind.Integer && v.TryGetValue<int>(out var i):
                    problem = ConnectorOptionRules.IntegerProblem(rule, i);
                    text = i.ToString(CultureInfo.InvariantCulture);
                    break;
                case JsonValue v when v.GetValueKind() == JsonValueKind.String && kind == NetworkConnectorRules.AttributeKind.Text:
                    text = v.GetValue<string>();
                    problem = ConnectorOptionRules.TextProblem(rule, text);
                    break;
                default:
                    problem = $"{Describe(value)} is not allowed; use {rule.Allowed}";
                    break;
            }
            if (problem is not null)
            {
                errors.Add(path, problem);
                ok = false;
                continue;
            }
            options[key] = text!;
        }
        return ok ? options : null;
    }
}
