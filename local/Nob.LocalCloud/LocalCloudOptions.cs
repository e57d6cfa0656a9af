using Nob.LocalBrokers;

namespace Nob.LocalCloud;

/// <summary>How a <see cref="LocalCloud"/> runs.</summary>
public sealed record LocalCloudOptions
{
    /// <summary>Where state (JSON files), the secret key, TLS material and the brokers' folders live. Required.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>TCP port on 127.0.0.1; 0 picks a free one (see <see cref="LocalCloud.Port"/>).</summary>
    public int Port { get; init; }

    /// <summary>The region in ARNs and names (requests may be signed for any region).</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>The account in ARNs and owner ids.</summary>
    public string AccountId { get; init; } = "000000000000";

    /// <summary>The one VPC every security group and subnet lives in.</summary>
    public string VpcId { get; init; } = "vpc-local";

    /// <summary>Where the brokers' TLS identity is made and reused; default DataDirectory/tls. Share one folder to save keytool runs.</summary>
    public string? TlsDirectory { get; init; }

    /// <summary>ActiveMQ and Java; default: <see cref="ActiveMqInstallation.Locate()"/>.</summary>
    public ActiveMqInstallation? Installation { get; init; }

    /// <summary>How broker JVMs run (heap, start timeout). Keep heaps small.</summary>
    public LocalBrokerOptions BrokerOptions { get; init; } = LocalBrokerOptions.Default;

    /// <summary>Faults in force from the start.</summary>
    public FaultSettings? Faults { get; init; }

    /// <summary>
    /// The workflow this endpoint hosts (template.yaml's state machines, the networks API and the drift schedule), run in
    /// this process with the functions' own code; null: the endpoint serves Amazon MQ, EC2 and SSM only.
    /// </summary>
    public LocalWorkflowOptions? Workflow { get; init; }

    /// <summary>Receives one line per broker lifecycle event (never secrets); null: silent.</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>What the endpoint needs to host the workflow: the SAM template and how its functions run here.</summary>
public sealed record LocalWorkflowOptions
{
    /// <summary>template.yaml: its state machines (definitions and substitutions), functions, API and schedule. Required.</summary>
    public required string TemplatePath { get; init; }

    /// <summary>What <c>AWS::StackName</c> resolves to in the template's names and ARNs.</summary>
    public string StackName { get; init; } = "nob";

    /// <summary>Where the events the state machines put on EventBridge are appended (JSON lines); null: kept in memory only.</summary>
    public string? EventsFile { get; init; }

    /// <summary>
    /// Builds each function's handler (default: its parameterless constructor, as Lambda does, i.e. the functions'
    /// composition root reaching this endpoint through the standard AWS environment variables).
    /// </summary>
    public Nob.StepFunctions.HandlerFactory? HandlerFactory { get; init; }

    /// <summary>Values for the functions' environment variables that only AWS resolves (references to other resources).</summary>
    public IReadOnlyDictionary<string, string?> FunctionEnvironment { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// The template's functions as given (tests' fakes); null: the template's own functions in-process, built by
    /// <see cref="HandlerFactory"/> with <see cref="FunctionEnvironment"/>, which reach this endpoint through this
    /// process's environment (set when the endpoint starts).
    /// </summary>
    public Nob.StepFunctions.ILambdaFunctions? Functions { get; init; }

    /// <summary>Replaces the drift schedule's expression (e.g. <c>rate(1 minute)</c>); null: the template's.</summary>
    public string? DriftRate { get; init; }

    /// <summary>Turns the drift schedule on or off (its template parameter DriftCheckScheduleEnabled); null: the template's.</summary>
    public bool? DriftScheduleEnabled { get; init; }

    /// <summary>For tests: what the schedules start executions with, and their clock (default: the workflow host, the system clock).</summary>
    internal Func<string, string?, string, CancellationToken, Task<string>>? ScheduleStart { get; init; }

    internal TimeProvider? ScheduleClock { get; init; }
}
