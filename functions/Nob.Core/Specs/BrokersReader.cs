using System.Text.Json.Nodes;
using static Nob.Core.Specs.SpecJson;
using static Nob.Core.Specs.SpecPatterns;
using static Nob.Core.Specs.SpecReader;

namespace Nob.Core.Specs;

/// <summary>Reads <c>brokerDefaults</c> and <c>brokers</c>: each broker's settings over the defaults, then Amazon MQ's defaults.</summary>
internal static class BrokersReader
{
    static readonly string[] BrokerSettingFields = ["engineVersion", "hostInstanceType", "deploymentMode", "subnetIds", "securityGroups", "publiclyAccessible"];

    static void CheckPlaceholders(List<string>? ids, string path, string kind, string field, string defaultUse, SpecErrors errors)
    {
        if (ids is null) return;
        for (var i = 0; i < ids.Count; i++)
        {
            if (PlaceholderIds.IsPlaceholder(ids[i]))
                errors.Add($"{path}[{i}]", $"\"{ids[i]}\" is a placeholder from an example, not a {kind} of your account; "
                    + $"put your own {kind} ID here, or leave {field} out to use {defaultUse}");
        }
    }

    public static BrokerSettings ReadSettings(JsonNode? node, string path, SpecErrors errors, bool allowName)
    {
        if (node is null || CheckedObject(node, path, allowName ? ["name", .. BrokerSettingFields] : BrokerSettingFields, errors) is not { } obj)
            return BrokerSettings.None;
        string? engine = obj["engineVersion"] is { } e ? PatternString(e, Join(path, "engineVersion"), EngineVersionPattern(), "an ActiveMQ 5.x engine version such as \"5.18\" (networks of brokers are ActiveMQ only)", errors) : null;
        string? type = obj["hostInstanceType"] is { } t ? PatternString(t, Join(path, "hostInstanceType"), InstanceTypePattern(), "an Amazon MQ instance type such as \"mq.m5.large\"", errors) : null;
        string? mode = null;
        if (obj["deploymentMode"] is { } m)
        {
            mode = AsString(m);
            if (mode is null || !DeploymentModes.All.Contains(mode))
            {
                errors.Add(Join(path, "deploymentMode"), $"{Describe(m)} is not allowed; use one of {string.Join(", ", DeploymentModes.All)}");
                mode = null;
            }
        }
        var subnets = StringList(obj["subnetIds"], Join(path, "subnetIds"), SubnetPattern(), "subnet IDs such as \"subnet-0abc\"", errors);
        var groups = StringList(obj["securityGroups"], Join(path, "securityGroups"), SecurityGroupPattern(), "security group IDs such as \"sg-0abc\"", errors);
        if (groups is { Count: > 5 }) errors.Add(Join(path, "securityGroups"), $"{groups.Count} security groups; Amazon MQ allows at most 5 per broker");
        CheckPlaceholders(subnets, Join(path, "subnetIds"), "subnet", "subnetIds", "the default VPC's subnets", errors);
        CheckPlaceholders(groups, Join(path, "securityGroups"), "security group", "securityGroups", "the default VPC's default security group", errors);
        var isPublic = OptionalBool(obj["publiclyAccessible"], Join(path, "publiclyAccessible"), errors);
        return new BrokerSettings(engine, type, mode, subnets, groups, isPublic);
    }

    public static List<BrokerSpec>? Read(JsonObject obj, BrokerSettings defaults, SpecErrors errors)
    {
        var node = obj["brokers"];
        if (node is not JsonArray array)
        {
            errors.Add("brokers", node is null ? "required; list at least two brokers, each {\"name\": …}" : $"{Describe(node)} is not a list of brokers");
            return null;
        }
        if (array.Count < 2) errors.Add("brokers", $"{array.Count} broker(s); a network needs at least two");
        var brokers = new List<BrokerSpec>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var ok = true;
        for (var i = 0; i < array.Count; i++)
        {
            var path = $"brokers[{i}]";
            if (array[i] is not JsonObject b)
            {
                errors.Add(path, $"{Describe(array[i])} is not a broker; use {{\"name\": …}}");
                ok = false;
                continue;
            }
            var name = ReadName(b, "name", Join(path, "name"), BrokerNamePattern(), 50, errors, required: true);
            var own = ReadSettings(b, path, errors, allowName: true);
            if (name is null) { ok = false; continue; }
            if (seen.TryGetValue(name, out var first))
            {
                errors.Add(Join(path, "name"), $"\"{name}\" is already the name of brokers[{first}]; broker names are unique");
                ok = false;
                continue;
            }
            seen[name] = i;
            var mode = own.DeploymentMode ?? defaults.DeploymentMode ?? DeploymentModes.SingleInstance;
            var subnets = own.SubnetIds ?? defaults.SubnetIds ?? [];
            var subnetsGiven = own.SubnetIds is not null || defaults.SubnetIds is not null;
            var wanted = DeploymentModes.InstanceCount(mode);
            if (subnetsGiven && subnets.Count != wanted)
            {
                var where = own.SubnetIds is not null ? Join(path, "subnetIds") : $"{path} (subnetIds from brokerDefaults)";
                errors.Add(where, $"{subnets.Count} subnet(s) for {mode}; it takes exactly {wanted}");
                ok = false;
            }
            brokers.Add(new BrokerSpec(
                name,
                own.EngineVersion ?? defaults.EngineVersion ?? DefaultEngineVersion,
                own.HostInstanceType ?? defaults.HostInstanceType ?? DefaultHostInstanceType,
                mode,
                subnets,
                own.SecurityGroups ?? defaults.SecurityGroups ?? [],
                own.PubliclyAccessible ?? defaults.PubliclyAccessible ?? false));
        }
        return ok ? brokers : null;
    }
}
