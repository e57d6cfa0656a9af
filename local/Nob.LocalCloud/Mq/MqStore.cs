using Nob.Core.Configuration;
using Nob.LocalCloud.Http;
using Nob.LocalCloud.Storage;

namespace Nob.LocalCloud.Mq;

/// <summary>
/// The Amazon MQ side's state: brokers and configurations in <c>mq.json</c>, each broker's files below <c>brokers/</c>.
/// Every reader and writer holds <see cref="Gate"/>, the one lock of the Amazon MQ side, while it touches <see cref="Data"/>.
/// </summary>
internal sealed class MqStore
{
    private readonly JsonStateFile<MqData> _file;
    private readonly string _region;
    private readonly string _accountId;

    public MqStore(string dataDirectory, string region, string accountId)
    {
        _file = new JsonStateFile<MqData>(Path.Combine(dataDirectory, "mq.json"));
        Data = _file.Load();
        BrokersDirectory = Path.Combine(dataDirectory, "brokers");
        _region = region;
        _accountId = accountId;
    }

    /// <summary>The lock that guards <see cref="Data"/> (and the broker runtime's process table).</summary>
    public object Gate { get; } = new();

    public MqData Data { get; }

    /// <summary>Where each broker's processes keep their files, one folder per broker id.</summary>
    public string BrokersDirectory { get; }

    /// <summary>Writes <see cref="Data"/> to <c>mq.json</c>; under <see cref="Gate"/>.</summary>
    public void Save() => _file.Save(Data);

    public BrokerRecord? FindBroker(string id) => Data.Brokers.FirstOrDefault(b => b.Id == id);

    public BrokerRecord Broker(string id) =>
        FindBroker(id) ?? throw new ServiceError(404, "NotFoundException", $"Can't find requested broker [{id}]. Make sure your broker exists.", "broker-id");

    public ConfigurationRecord? FindConfiguration(string id) => Data.Configurations.FirstOrDefault(c => c.Id == id);

    public ConfigurationRecord Configuration(string id) =>
        FindConfiguration(id)
        ?? throw new ServiceError(404, "NotFoundException", $"Can't find requested configuration [{id}]. Make sure your configuration exists.", "configuration-id");

    public string BrokerArn(string name, string id) => $"arn:aws:mq:{_region}:{_accountId}:broker:{name}:{id}";

    /// <summary>Adds a configuration whose first revision is Amazon MQ's default XML (not saved yet).</summary>
    public ConfigurationRecord AddConfiguration(string name, string engineVersion, IReadOnlyDictionary<string, string> tags, string description)
    {
        var id = "c-" + Guid.NewGuid().ToString("D");
        var now = DateTimeOffset.UtcNow;
        var config = new ConfigurationRecord
        {
            Id = id,
            Arn = $"arn:aws:mq:{_region}:{_accountId}:configuration:{id}",
            Name = name,
            Description = description,
            EngineVersion = engineVersion,
            Created = now,
            Tags = new Dictionary<string, string>(tags, StringComparer.Ordinal),
            Revisions = [new RevisionRecord { Revision = 1, Created = now, Description = description, Xml = AmazonMqDefaults.ConfigurationXml }],
        };
        Data.Configurations.Add(config);
        return config;
    }

    /// <summary>The XML a broker runs: its current configuration revision.</summary>
    public string CurrentXml(BrokerRecord broker)
    {
        var config = Data.Configurations.First(c => c.Id == broker.Current.Id);
        return config.Revisions.First(v => v.Revision == broker.Current.Revision).Xml;
    }

    /// <summary>Removes a deleted broker's folder (its data, logs and generated configuration).</summary>
    public void DeleteBrokerFiles(string id)
    {
        var folder = Path.Combine(BrokersDirectory, id);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
