namespace Nob.LocalBrokers;

/// <summary>The java command line ActiveMQ's own bin/activemq script would build, trimmed for small, quick test JVMs.</summary>
internal static class JvmArguments
{
    // What bin/activemq passes on Java > 8 so that ActiveMQ's reflection keeps working.
    private static readonly string[] ModuleOptions =
    [
        "--add-reads=java.xml=java.logging",
        "--add-opens", "java.base/java.security=ALL-UNNAMED",
        "--add-opens", "java.base/java.net=ALL-UNNAMED",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-opens", "java.base/java.util=ALL-UNNAMED",
        "--add-opens", "java.naming/javax.naming.spi=ALL-UNNAMED",
        "--add-opens", "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
        "--add-opens", "java.base/java.util.concurrent=ALL-UNNAMED",
        "--add-opens", "java.base/java.util.concurrent.atomic=ALL-UNNAMED",
        "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
        "--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED",
        "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
        "--add-exports=jdk.xml.dom/org.w3c.dom.html=ALL-UNNAMED",
        "--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED",
    ];

    /// <summary>
    /// JVM options for one ActiveMQ launcher run (broker or CLI task). <paramref name="baseDirectory"/> plays ACTIVEMQ_BASE:
    /// conf/ and data/ live below it, and conf/ is on the classpath (logging configuration).
    /// </summary>
    public static List<string> For(ActiveMqInstallation installation, string baseDirectory, string maxHeap, string logConfigurationStem)
    {
        var conf = Path.Combine(baseDirectory, "conf");
        var data = Path.Combine(baseDirectory, "data");
        var tmp = Path.Combine(baseDirectory, "tmp");
        PrivateFiles.CreateFolder(tmp);
        var arguments = new List<string>
        {
            $"-Xmx{maxHeap}",
            "-Xss512k",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", // C1 only: much less compile CPU on a small machine, quicker start
            "-Djava.awt.headless=true",
            $"-Djava.io.tmpdir={tmp}",
            $"-Dlog4j.configuration={new Uri(Path.Combine(conf, logConfigurationStem + ".properties")).AbsoluteUri}",
            $"-Dlog4j2.configurationFile={Path.Combine(conf, logConfigurationStem.Replace("log4j", "log4j2", StringComparison.Ordinal) + ".properties")}",
        };
        arguments.AddRange(ModuleOptions);
        arguments.AddRange(
        [
            $"-Dactivemq.classpath={conf}",
            $"-Dactivemq.home={installation.Home}",
            $"-Dactivemq.base={baseDirectory}",
            $"-Dactivemq.conf={conf}",
            $"-Dactivemq.data={data}",
            "-jar", installation.RunJar,
        ]);
        return arguments;
    }
}
