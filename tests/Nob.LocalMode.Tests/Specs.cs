namespace Nob.LocalMode.Tests;

/// <summary>Specs the tests write for themselves (networks and brokers no example uses).</summary>
public static class Specs
{
    /// <summary>A small valid spec: two single-instance brokers.</summary>
    public static string TwoBrokers(string network, string first, string second, string topology = """{ "type": "mesh" }""") => $$"""
        {
          "networkName": "{{network}}",
          "topology": {{topology}},
          "brokers": [ { "name": "{{first}}" }, { "name": "{{second}}" } ],
          "brokerDefaults": { "subnetIds": ["subnet-a"], "securityGroups": ["sg-1"] },
          "user": { "username": "networkUser", "passwordParameter": "/nob/{{network}}/password" },
          "verification": { "enabled": true, "timeoutSeconds": 60 }
        }
        """;

    /// <summary>A password that must never be echoed back.</summary>
    public const string PasswordInSpec = "NotAllowedHere123";

    /// <summary>
    /// Three problems at once: a password in the spec, an active/standby broker with one subnet, a broker name with a
    /// space. Its valid-looking brokers (Invalid1, Invalid2) must never be created.
    /// </summary>
    public static readonly string Invalid = $$"""
        {
          "networkName": "invalid-e2e",
          "topology": { "type": "mesh" },
          "brokers": [
            { "name": "Invalid1" },
            { "name": "Invalid2", "deploymentMode": "ACTIVE_STANDBY_MULTI_AZ", "subnetIds": ["subnet-a"] },
            { "name": "Invalid 3" }
          ],
          "brokerDefaults": { "subnetIds": ["subnet-a"], "securityGroups": ["sg-1"] },
          "user": { "username": "networkUser", "passwordParameter": "/nob/invalid-e2e/password", "password": "{{PasswordInSpec}}" }
        }
        """;

    /// <summary>The errors <see cref="Invalid"/> must produce, by JSON path.</summary>
    public static readonly string[] InvalidErrorPaths = ["user.password:", "brokers[1].subnetIds:", "brokers[2].name:"];

    public static string Write(string folder, string name, string json)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".json");
        File.WriteAllText(path, json);
        return path;
    }
}
