using System.Text.Json.Nodes;
using Nob.LocalCloud.Http;
using Nob.LocalCloud.Storage;
using static Nob.LocalCloud.Mq.MqErrors;
using static Nob.LocalCloud.Mq.MqJson;
using BrokerStates = Nob.Core.Workflow.BrokerStates;

namespace Nob.LocalCloud.Mq;

/// <summary>
/// Amazon MQ's ActiveMQ user operations. Like Amazon MQ, a new or changed user is pending (pendingChange CREATE or
/// UPDATE) and reaches the broker at its next reboot; passwords are stored encrypted.
/// </summary>
internal sealed class UserOperations(MqContext context, MqStore store)
{
    /// <summary>The stored form of a user: the password encrypted with the endpoint's secret box.</summary>
    public static UserRecord NewRecord(SecretBox secrets, UserInput u, string? pendingChange) => new()
    {
        Username = u.Username,
        EncryptedPassword = secrets.Encrypt(u.Password),
        ConsoleAccess = u.ConsoleAccess,
        Groups = [.. u.Groups],
        PendingChange = pendingChange,
    };

    public JsonObject List(string id, Func<string, string?> query)
    {
        var (max, offset) = MqPaging.Read(query, "maxResults", 1, 100);
        lock (store.Gate)
        {
            var b = store.Broker(id);
            var (page, nextToken) = MqPaging.Page(b.Users, offset, max);
            return new JsonObject
            {
                ["brokerId"] = b.Id,
                ["maxResults"] = max,
                ["users"] = new JsonArray([.. page.Select(u => (JsonNode)UserSummary(u))]),
            }.Continued(nextToken);
        }
    }

    public JsonObject Describe(string id, string username)
    {
        lock (store.Gate)
        {
            var b = store.Broker(id);
            var u = FindUser(b, username);
            var response = new JsonObject { ["brokerId"] = b.Id, ["username"] = u.Username };
            if (u.PendingChange is { } change)
            {
                response["pending"] = new JsonObject
                {
                    ["consoleAccess"] = u.ConsoleAccess,
                    ["groups"] = Strings(u.Groups),
                    ["pendingChange"] = change,
                };
            }
            else
            {
                response["consoleAccess"] = u.ConsoleAccess;
                response["groups"] = Strings(u.Groups);
            }

            return response;
        }
    }

    public JsonObject Create(string id, string username, JsonObject r)
    {
        var body = new JsonObject
        {
            ["username"] = username,
            ["password"] = Json.String(r, "password"),
            ["consoleAccess"] = Json.Bool(r, "consoleAccess"),
            ["groups"] = Json.Strings(r, "groups") is { } groups ? Strings(groups) : null,
        };
        var user = NewRecord(context.Secrets, MqRequestValidation.User(body), pendingChange: "CREATE");
        lock (store.Gate)
        {
            var b = store.Broker(id);
            if (b.State is BrokerStates.DeletionInProgress)
            {
                throw Conflict($"Broker [{id}] is being deleted.", "broker-id");
            }

            if (b.Users.Any(u => u.Username == username))
            {
                throw Conflict($"User [{username}] already exists on broker [{id}].", "username");
            }

            b.Users.Add(user);
            store.Save();
            return [];
        }
    }

    // The broker keeps the old password until its next reboot.
    public JsonObject Update(string id, string username, JsonObject r)
    {
        var password = Json.String(r, "password");
        if (password is not null)
        {
            MqRequestValidation.Password(password);
        }

        var consoleAccess = Json.Bool(r, "consoleAccess");
        var groups = Json.Strings(r, "groups");
        lock (store.Gate)
        {
            var b = store.Broker(id);
            if (b.State is BrokerStates.DeletionInProgress)
            {
                throw Conflict($"Broker [{id}] is being deleted.", "broker-id");
            }

            var u = FindUser(b, username);
            if (u.PendingChange == "CREATE")
            {
                // Not on the broker yet: the creation itself carries the new values.
                u.EncryptedPassword = password is null ? u.EncryptedPassword : context.Secrets.Encrypt(password);
                u.ConsoleAccess = consoleAccess ?? u.ConsoleAccess;
                u.Groups = groups is null ? u.Groups : [.. groups];
            }
            else
            {
                u.PendingEncryptedPassword = password is null ? u.PendingEncryptedPassword : context.Secrets.Encrypt(password);
                u.PendingConsoleAccess = consoleAccess ?? u.PendingConsoleAccess;
                u.PendingGroups = groups is null ? u.PendingGroups : [.. groups];
                u.PendingChange = "UPDATE";
            }

            store.Save();
            return [];
        }
    }

    private static UserRecord FindUser(BrokerRecord b, string username) =>
        b.Users.FirstOrDefault(x => x.Username == username)
        ?? throw NotFound($"Can't find requested user [{username}]. Make sure your user exists.", "username");
}
