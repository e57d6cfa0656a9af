using System.Xml.Linq;
using Nob.LocalBrokers;

namespace Nob.LocalCloud.Mq;

/// <summary>
/// The fault <see cref="FaultSettings.ConcurrentEditBeforeUpdateBrokerOf"/>: a console user saves an edit of a broker's
/// configuration just before the endpoint processes an UpdateBroker of that broker, as another writer racing nob would.
/// </summary>
internal sealed class ConsoleEditFault(MqContext context, MqStore store)
{
    /// <summary>The queue the console edit adds (a <c>&lt;destinations&gt;</c> entry the broker creates when it starts).</summary>
    public const string ConsoleEditQueue = "localcloud.console-edit";

    /// <summary>Under the lock: if the fault names this broker (once), writes the newest revision of its configuration plus <see cref="ConsoleEditQueue"/>.</summary>
    public void BeforeUpdate(BrokerRecord broker)
    {
        if (!context.Faults.TakeConcurrentEdit(broker.Name))
        {
            return;
        }

        var config = store.Configuration((broker.Pending ?? broker.Current).Id);
        var document = XDocument.Parse(config.Latest.Xml, LoadOptions.PreserveWhitespace);
        var root = document.Root!;
        var core = AmazonMqRuntimeConfiguration.Core;
        var destinations = root.Element(core + "destinations");
        if (destinations is null)
        {
            destinations = new XElement(core + "destinations");
            // Broker children in alphabetical order, as ActiveMQ's schema wants them.
            var next = root.Elements().FirstOrDefault(e => string.CompareOrdinal(e.Name.LocalName, "destinations") > 0);
            if (next is null)
            {
                root.Add(destinations);
            }
            else
            {
                next.AddBeforeSelf(destinations);
            }
        }

        destinations.Add(new XElement(core + "queue", new XAttribute("physicalName", ConsoleEditQueue)));
        var declaration = document.Declaration is { } d ? d + "\n" : "";
        var (xml, _) = ConfigurationSanitizer.Sanitize(declaration + root.ToString(SaveOptions.DisableFormatting) + "\n");
        var revision = new RevisionRecord
        {
            Revision = config.Latest.Revision + 1,
            Created = DateTimeOffset.UtcNow,
            Description = $"console edit: queue {ConsoleEditQueue} (localcloud fault)",
            Xml = xml,
        };
        config.Revisions.Add(revision);
        store.Save();
        context.Log($"fault: console edit of {broker.Name}'s configuration {config.Id} as revision {revision.Revision}, before its UpdateBroker");
    }
}
