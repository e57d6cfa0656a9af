using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nob.LocalCloud.Http;
using Nob.LocalCloud.Storage;

namespace Nob.LocalCloud.Ssm;

internal sealed class SsmData
{
    public List<ParameterRecord> Parameters { get; set; } = [];
}

internal sealed class ParameterRecord
{
    public string Name { get; set; } = "";

    public string Type { get; set; } = "";

    /// <summary>The value; for a SecureString the <see cref="SecretBox"/> ciphertext, never the plaintext.</summary>
    public string StoredValue { get; set; } = "";

    public string? Description { get; set; }

    public long Version { get; set; }

    public DateTimeOffset LastModified { get; set; }

    public string DataType { get; set; } = "text";

    /// <summary>Standard or Advanced (Intelligent-Tiering resolves to one of them when the parameter is written).</summary>
    public string Tier { get; set; } = "Standard";
}

/// <summary>
/// SSM Parameter Store over json 1.1 (<c>X-Amz-Target: AmazonSSM.*</c>): PutParameter (with Tier), GetParameter,
/// GetParameters, GetParametersByPath, DeleteParameter. SecureString values are encrypted at rest and are never written
/// to logs or errors.
/// </summary>
internal sealed partial class SsmService(string statePath, SecretBox secrets, string region, string accountId)
{
    private readonly object _gate = new();
    private readonly JsonStateFile<SsmData> _file = new(statePath);
    private SsmData? _data;

    private SsmData Data => _data ??= _file.Load();

    public JsonObject Handle(string operation, JsonObject request) => operation switch
    {
        "PutParameter" => PutParameter(request),
        "GetParameter" => GetParameter(request),
        "GetParameters" => GetParameters(request),
        "GetParametersByPath" => GetParametersByPath(request),
        "DeleteParameter" => DeleteParameter(request),
        _ => throw new ServiceError(400, "UnknownOperationException", $"The local endpoint does not implement AmazonSSM.{operation}"),
    };

    private JsonObject PutParameter(JsonObject r)
    {
        var name = Name(r);
        var value = Json.String(r, "Value") ?? throw Validation("Value");
        var type = Json.String(r, "Type");
        var overwrite = Json.Bool(r, "Overwrite") ?? false;
        if (type is not (null or "String" or "StringList" or "SecureString"))
        {
            throw new ServiceError(400, "ValidationException", $"1 validation error detected: Value '{type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]");
        }

        if (value.Length is 0 or > AdvancedMaxValue)
        {
            throw new ServiceError(400, "ValidationException", $"1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length between 1 and {AdvancedMaxValue}");
        }

        var tier = Json.String(r, "Tier");
        if (tier is not (null or "Standard" or "Advanced" or "Intelligent-Tiering"))
        {
            throw new ServiceError(400, "ValidationException", $"1 validation error detected: Value '{tier}' at 'tier' failed to satisfy constraint: Member must satisfy enum value set: [Standard, Advanced, Intelligent-Tiering]");
        }

        lock (_gate)
        {
            var existing = Data.Parameters.FirstOrDefault(p => p.Name == name);
            if (existing is not null && !overwrite)
            {
                throw new ServiceError(400, "ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.");
            }

            if (existing is null && type is null)
            {
                throw new ServiceError(400, "ValidationException", "A parameter type is required when you create a parameter.");
            }

            var resolvedTier = ResolveTier(tier, existing, value);
            var record = existing ?? new ParameterRecord { Name = name };
            record.Tier = resolvedTier;
            record.Type = type ?? record.Type;
            record.StoredValue = record.Type == "SecureString" ? secrets.Encrypt(value) : value;
            record.Description = Json.String(r, "Description") ?? record.Description;
            record.DataType = Json.String(r, "DataType") ?? record.DataType;
            record.Version++;
            record.LastModified = DateTimeOffset.UtcNow;
            if (existing is null)
            {
                Data.Parameters.Add(record);
            }

            _file.Save(Data);
            return new JsonObject { ["Version"] = record.Version, ["Tier"] = record.Tier };
        }
    }

    private const int StandardMaxValue = 4096;
    private const int AdvancedMaxValue = 8192;

    /// <summary>
    /// The tier a write leaves the parameter in, as SSM decides it: Intelligent-Tiering picks Advanced only when the value
    /// needs it; no Tier keeps an existing parameter's (else Standard); an Advanced parameter never goes back to Standard.
    /// (Parameter policies, the other reason for Advanced, are not implemented.)
    /// </summary>
    private static string ResolveTier(string? requested, ParameterRecord? existing, string value)
    {
        var tier = requested switch
        {
            "Intelligent-Tiering" => existing?.Tier == "Advanced" || value.Length > StandardMaxValue ? "Advanced" : "Standard",
            null => existing?.Tier ?? "Standard",
            _ => requested,
        };
        if (tier == "Standard" && existing?.Tier == "Advanced")
        {
            throw new ServiceError(400, "ValidationException", "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a standard parameter.");
        }

        if (tier == "Standard" && value.Length > StandardMaxValue)
        {
            throw new ServiceError(400, "ValidationException", $"Standard tier parameters support a maximum parameter value of {StandardMaxValue} characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html");
        }

        return tier;
    }

    /// <summary>
    /// The parameters under a path (one level, or all levels with Recursive), in name order, at most MaxResults (1-10,
    /// default 10) a page; NextToken continues after the last name of the previous page. ParameterFilters are not implemented.
    /// </summary>
    private JsonObject GetParametersByPath(JsonObject r)
    {
        var path = Json.String(r, "Path") ?? throw Validation("Path");
        if (!path.StartsWith('/') || path.Length > 2048 || (path != "/" && !NamePattern().IsMatch(path.TrimEnd('/'))))
        {
            throw new ServiceError(400, "ValidationException", $"The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash \"/\". Got \"{path}\".");
        }

        if (r["ParameterFilters"] is JsonArray { Count: > 0 })
        {
            throw new ServiceError(400, "ValidationException", "The local endpoint does not implement ParameterFilters of GetParametersByPath");
        }

        var recursive = Json.Bool(r, "Recursive") ?? false;
        var decrypt = Json.Bool(r, "WithDecryption") ?? false;
        var max = r["MaxResults"] is { } m ? m.GetValue<int>() : 10;
        if (max is < 1 or > 10)
        {
            throw new ServiceError(400, "ValidationException", $"1 validation error detected: Value '{max}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10");
        }

        var prefix = path.EndsWith('/') ? path : path + "/";
        var after = Json.String(r, "NextToken") is { } token ? DecodeToken(token) : null;
        lock (_gate)
        {
            var matching = Data.Parameters
                .Where(p =>
                {
                    var full = p.Name.StartsWith('/') ? p.Name : "/" + p.Name;
                    return full.StartsWith(prefix, StringComparison.Ordinal) && full.Length > prefix.Length && (recursive || !full[prefix.Length..].Contains('/'));
                })
                .OrderBy(p => p.Name, StringComparer.Ordinal)
                .Where(p => after is null || string.CompareOrdinal(p.Name, after) > 0)
                .ToList();
            var page = matching.Take(max).ToList();
            var result = new JsonObject { ["Parameters"] = new JsonArray([.. page.Select(p => (JsonNode)Render(p, decrypt))]) };
            if (matching.Count > max)
            {
                result["NextToken"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(page[^1].Name));
            }

            return result;
        }
    }

    private static string DecodeToken(string token)
    {
        try
        {
            return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw new ServiceError(400, "ValidationException", "The specified token is not valid.");
        }
    }

    private JsonObject GetParameter(JsonObject r)
    {
        var name = Name(r);
        var decrypt = Json.Bool(r, "WithDecryption") ?? false;
        lock (_gate)
        {
            var record = Data.Parameters.FirstOrDefault(p => p.Name == name)
                ?? throw new ServiceError(400, "ParameterNotFound", "");
            return new JsonObject { ["Parameter"] = Render(record, decrypt) };
        }
    }

    private JsonObject GetParameters(JsonObject r)
    {
        var names = Json.Strings(r, "Names") ?? throw Validation("Names");
        if (names.Count is < 1 or > 10)
        {
            throw new ServiceError(400, "ValidationException", "1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length between 1 and 10");
        }

        var decrypt = Json.Bool(r, "WithDecryption") ?? false;
        lock (_gate)
        {
            var found = new JsonArray();
            var invalid = new JsonArray();
            foreach (var name in names.Distinct(StringComparer.Ordinal))
            {
                if (Data.Parameters.FirstOrDefault(p => p.Name == name) is { } record)
                {
                    found.Add(Render(record, decrypt));
                }
                else
                {
                    invalid.Add(name);
                }
            }

            return new JsonObject { ["Parameters"] = found, ["InvalidParameters"] = invalid };
        }
    }

    private JsonObject DeleteParameter(JsonObject r)
    {
        var name = Name(r);
        lock (_gate)
        {
            if (Data.Parameters.RemoveAll(p => p.Name == name) == 0)
            {
                throw new ServiceError(400, "ParameterNotFound", $"Parameter {name} not found.");
            }

            _file.Save(Data);
            return [];
        }
    }

    private JsonObject Render(ParameterRecord p, bool decrypt) => new()
    {
        ["Name"] = p.Name,
        ["Type"] = p.Type,
        ["Value"] = p.Type == "SecureString" && decrypt ? secrets.Decrypt(p.StoredValue) : p.StoredValue,
        ["Version"] = p.Version,
        ["LastModifiedDate"] = p.LastModified.ToUnixTimeMilliseconds() / 1000.0,
        ["ARN"] = $"arn:aws:ssm:{region}:{accountId}:parameter{(p.Name.StartsWith('/') ? "" : "/")}{p.Name}",
        ["DataType"] = p.DataType,
    };

    private static string Name(JsonObject r)
    {
        var name = Json.String(r, "Name") ?? throw Validation("Name");
        if (name.Length is 0 or > 2048 || !NamePattern().IsMatch(name) || name.StartsWith("aws", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("ssm", StringComparison.OrdinalIgnoreCase) || name.Split('/').Length > 16)
        {
            throw new ServiceError(400, "ValidationException",
                $"Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive), and may contain only a-z, A-Z, 0-9, _ . - and /, at most 15 levels deep. Got \"{name}\".");
        }

        return name;
    }

    private static ServiceError Validation(string member) =>
        new(400, "ValidationException", $"1 validation error detected: Value null at '{JsonNamingPolicy.CamelCase.ConvertName(member)}' failed to satisfy constraint: Member must not be null");

    [GeneratedRegex(@"^/?[a-zA-Z0-9_.\-]+(/[a-zA-Z0-9_.\-]+)*$")]
    private static partial Regex NamePattern();
}
