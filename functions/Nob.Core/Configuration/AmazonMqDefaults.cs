namespace Nob.Core.Configuration;

/// <summary>
/// The configuration Amazon MQ gives a new ActiveMQ broker (revision 1), modelled on the console's default revision.
/// Used when planning without a broker and by the local endpoint for the brokers it creates.
/// </summary>
public static class AmazonMqDefaults
{
    static readonly Lazy<string> Xml = new(() =>
    {
        using var stream = typeof(AmazonMqDefaults).Assembly.GetManifestResourceStream("amazon-mq-default-configuration.xml")
            ?? throw new InvalidOperationException("embedded resource amazon-mq-default-configuration.xml is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static string ConfigurationXml => Xml.Value;
}
