using System.Text;
using System.Text.Json.Nodes;
using Nob.LocalCloud.Http;
using static Nob.LocalCloud.Mq.MqErrors;
using static Nob.LocalCloud.Mq.MqJson;

namespace Nob.LocalCloud.Mq;

/// <summary>
/// Amazon MQ's configuration operations. Each UpdateConfiguration adds a revision (at most 300), stored as
/// <see cref="ConfigurationSanitizer"/> leaves it, with its warnings in the answer as Amazon MQ gives them.
/// </summary>
internal sealed class ConfigurationOperations(MqStore store)
{
    /// <summary>Amazon MQ's limit on revisions per configuration.</summary>
    private const int MaxRevisions = 300;

    public JsonObject Create(JsonObject r)
    {
        var (name, engineVersion) = MqRequestValidation.CreateConfiguration(r);
        var tags = Json.StringMap(r, "tags") ?? new Dictionary<string, string>();
        lock (store.Gate)
        {
            var config = store.AddConfiguration(name, engineVersion, tags, $"Auto-generated default for {name} on ActiveMQ {engineVersion}");
            store.Save();
            return new JsonObject
            {
                ["arn"] = config.Arn,
                ["authenticationStrategy"] = config.AuthenticationStrategy,
                ["created"] = Iso(config.Created),
                ["id"] = config.Id,
                ["latestRevision"] = RevisionSummary(config.Latest),
                ["name"] = config.Name,
            };
        }
    }

    public JsonObject List(Func<string, string?> query)
    {
        var (max, offset) = MqPaging.Read(query, "maxResults", 1, 100);
        lock (store.Gate)
        {
            var (page, nextToken) = MqPaging.Page(store.Data.Configurations, offset, max);
            return new JsonObject
            {
                ["configurations"] = new JsonArray([.. page.Select(c => (JsonNode)Describe(c))]),
                ["maxResults"] = max,
            }.Continued(nextToken);
        }
    }

    public JsonObject Describe(string id)
    {
        lock (store.Gate)
        {
            return Describe(store.Configuration(id));
        }
    }

    public JsonObject ListRevisions(string id, Func<string, string?> query)
    {
        var (max, offset) = MqPaging.Read(query, "maxResults", 1, 100);
        lock (store.Gate)
        {
            var config = store.Configuration(id);
            var (page, nextToken) = MqPaging.Page(config.Revisions, offset, max);
            return new JsonObject
            {
                ["configurationId"] = config.Id,
                ["maxResults"] = max,
                ["revisions"] = new JsonArray([.. page.Select(v => (JsonNode)RevisionSummary(v))]),
            }.Continued(nextToken);
        }
    }

    public JsonObject DescribeRevision(string id, string revisionText)
    {
        var number = MqRequestValidation.RevisionNumber(revisionText);
        lock (store.Gate)
        {
            var config = store.Configuration(id);
            var revision = config.Revisions.FirstOrDefault(v => v.Revision == number)
                ?? throw NotFound($"Can't find requested revision [{number}] of configuration [{id}]. Make sure your configuration revision exists.", "configuration-revision");
            return WithoutNulls(new JsonObject
            {
                ["configurationId"] = config.Id,
                ["created"] = Iso(revision.Created),
                ["data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(revision.Xml)),
                ["description"] = revision.Description,
            });
        }
    }

    public JsonObject Update(string id, JsonObject r)
    {
        var (xml, description) = MqRequestValidation.ConfigurationData(r);
        lock (store.Gate)
        {
            var config = store.Configuration(id);
            if (config.Revisions.Count >= MaxRevisions)
            {
                throw BadRequest($"Configuration [{id}] already has 300 revisions, the most Amazon MQ keeps.", "configuration-id");
            }

            var (stored, warnings) = ConfigurationSanitizer.Sanitize(xml);
            var revision = new RevisionRecord
            {
                Revision = config.Latest.Revision + 1,
                Created = DateTimeOffset.UtcNow,
                Description = description,
                Xml = stored,
            };
            config.Revisions.Add(revision);
            store.Save();
            return new JsonObject
            {
                ["arn"] = config.Arn,
                ["created"] = Iso(revision.Created),
                ["id"] = config.Id,
                ["latestRevision"] = RevisionSummary(revision),
                ["name"] = config.Name,
                ["warnings"] = new JsonArray([.. warnings.Select(w => (JsonNode)WithoutNulls(new JsonObject
                {
                    ["attributeName"] = w.AttributeName,
                    ["elementName"] = w.ElementName,
                    ["reason"] = w.Reason,
                }))]),
            };
        }
    }

    private static JsonObject Describe(ConfigurationRecord c) => WithoutNulls(new JsonObject
    {
        ["arn"] = c.Arn,
        ["authenticationStrategy"] = c.AuthenticationStrategy,
        ["created"] = Iso(c.Created),
        ["description"] = c.Description,
        ["engineType"] = "ActiveMQ",
        ["engineVersion"] = c.EngineVersion,
        ["id"] = c.Id,
        ["latestRevision"] = RevisionSummary(c.Latest),
        ["name"] = c.Name,
        ["tags"] = Tags(c.Tags),
    });
}
