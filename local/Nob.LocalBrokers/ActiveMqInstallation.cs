namespace Nob.LocalBrokers;

/// <summary>
/// Where ActiveMQ and a Java runtime live on this machine. <c>ACTIVEMQ_HOME</c> (an upstream tarball: <c>bin/activemq.jar</c>,
/// <c>lib/…</c>) wins over Debian's <c>/usr/share/activemq</c>; java comes from <c>JAVA_HOME</c>, else from <c>PATH</c>.
/// </summary>
public sealed class ActiveMqInstallation
{
    /// <summary>What to run on Debian/Ubuntu when ActiveMQ or Java is missing.</summary>
    public const string InstallCommand = "sudo apt-get install -y activemq default-jre-headless";

    public const string DebianHome = "/usr/share/activemq";

    private ActiveMqInstallation(string home, string runJar, string java, string keytool)
    {
        Home = home;
        RunJar = runJar;
        JavaExecutable = java;
        KeytoolExecutable = keytool;
    }

    /// <summary>ACTIVEMQ_HOME: the folder holding <c>bin/activemq.jar</c> and <c>lib/</c>.</summary>
    public string Home { get; }

    /// <summary><c>bin/activemq.jar</c>: ActiveMQ's launcher (broker <c>start</c>, and the <c>producer</c>/<c>consumer</c> tasks).</summary>
    public string RunJar { get; }

    public string JavaExecutable { get; }

    public string KeytoolExecutable { get; }

    private static readonly Lazy<ActiveMqInstallation> Default = new(() => Locate(Environment.GetEnvironmentVariable));

    /// <summary>Finds the installation from the process environment (cached); throws <see cref="ActiveMqNotInstalledException"/>.</summary>
    public static ActiveMqInstallation Locate() => Default.Value;

    /// <summary>Finds the installation from the given environment; exposed for tests.</summary>
    public static ActiveMqInstallation Locate(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var home = FindHome(environment);
        var java = FindJava(environment);
        var keytool = FindKeytool(java, environment);
        return new ActiveMqInstallation(home, Path.Combine(home, "bin", "activemq.jar"), java, keytool);
    }

    /// <summary>True when ActiveMQ and Java are both present (for skipping, never for hiding failures).</summary>
    public static bool IsAvailable(out string reason)
    {
        try
        {
            Locate();
            reason = "";
            return true;
        }
        catch (ActiveMqNotInstalledException e)
        {
            reason = e.Message;
            return false;
        }
    }

    private static string FindHome(Func<string, string?> environment)
    {
        var configured = environment("ACTIVEMQ_HOME");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (!File.Exists(Path.Combine(configured, "bin", "activemq.jar")))
            {
                throw new ActiveMqNotInstalledException(
                    $"ACTIVEMQ_HOME is \"{configured}\" but \"{Path.Combine(configured, "bin", "activemq.jar")}\" does not exist. " +
                    $"Point ACTIVEMQ_HOME at an unpacked ActiveMQ 5.x tarball, or unset it and run: {InstallCommand}");
            }
            return Path.GetFullPath(configured);
        }
        if (File.Exists(Path.Combine(DebianHome, "bin", "activemq.jar")))
        {
            return DebianHome;
        }
        throw new ActiveMqNotInstalledException(
            $"ActiveMQ was not found: ACTIVEMQ_HOME is not set and {DebianHome}/bin/activemq.jar does not exist. Install it with: {InstallCommand}");
    }

    private static string FindJava(Func<string, string?> environment)
    {
        var javaHome = environment("JAVA_HOME");
        if (!string.IsNullOrWhiteSpace(javaHome))
        {
            var candidate = Path.Combine(javaHome, "bin", "java");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return SearchPath("java", environment) ?? throw new ActiveMqNotInstalledException(
            $"No Java runtime found (JAVA_HOME{(string.IsNullOrWhiteSpace(javaHome) ? " is not set" : $"=\"{javaHome}\" has no bin/java")} and no java on PATH). " +
            $"Install one with: {InstallCommand}");
    }

    private static string FindKeytool(string java, Func<string, string?> environment)
    {
        // keytool sits next to the real java binary (/usr/bin/java -> /etc/alternatives/java -> /usr/lib/jvm/…/bin/java).
        var resolved = new FileInfo(java).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? java;
        var sibling = Path.Combine(Path.GetDirectoryName(resolved)!, "keytool");
        if (File.Exists(sibling))
        {
            return sibling;
        }
        return SearchPath("keytool", environment) ?? throw new ActiveMqNotInstalledException(
            $"keytool was not found next to {resolved} nor on PATH. Install a full JRE with: {InstallCommand}");
    }

    private static string? SearchPath(string program, Func<string, string?> environment)
    {
        var path = environment("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}

/// <summary>ActiveMQ or Java is missing; the message carries the command that installs them.</summary>
public sealed class ActiveMqNotInstalledException(string message) : Exception(message);
