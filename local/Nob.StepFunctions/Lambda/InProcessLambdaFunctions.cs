using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text;

namespace Nob.StepFunctions;

public sealed class InProcessLambdaOptions
{
    /// <summary>Loads a handler's assembly by name; by default <see cref="Assembly.Load(AssemblyName)"/> (the host must reference it).</summary>
    public Func<AssemblyName, Assembly>? AssemblyLoader { get; init; }

    /// <summary>
    /// Ends an invocation that runs longer than the function's Timeout (on the real clock, as Lambda measures it) with
    /// the error Sandbox.Timedout. The handler cannot be stopped; its instance is discarded. Default true.
    /// </summary>
    public bool EnforceTimeouts { get; init; } = true;

    /// <summary>What to do with the functions' Environment variables; see <see cref="EnvironmentHandling"/>. Default Apply.</summary>
    public EnvironmentHandling EnvironmentVariables { get; init; } = EnvironmentHandling.Apply;

    /// <summary>
    /// Values for variables, by name, over the template's (for values only AWS resolves, such as a !Ref to a security
    /// group). A null value leaves the variable unset.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();
}

/// <summary>
/// In-process functions share one process, so one environment: Lambda gives each function its own.
/// </summary>
public enum EnvironmentHandling
{
    /// <summary>
    /// Set every function's variables in the process environment when the functions are built. Refused when two
    /// functions give one variable different values, or a value only AWS resolves has no value in
    /// <see cref="InProcessLambdaOptions.Environment"/>.
    /// </summary>
    Apply,

    /// <summary>Set nothing: the host constructs the handlers with what they need (see <see cref="HandlerFactory"/>).</summary>
    Ignore,
}

/// <summary>
/// Runs .NET Lambda handlers in-process, the way the dotnet managed runtime calls them: the Handler string
/// <c>Assembly::Namespace.Type::Method</c> names the assembly (loaded by name), the type and the method; the method
/// takes a <see cref="Stream"/> of the payload JSON and returns a <see cref="Stream"/> or <c>Task&lt;Stream&gt;</c>. An
/// exception becomes a function error whose type is the exception type's short name, as the .NET runtime reports it.
/// Environment variables: see <see cref="EnvironmentHandling"/>.
/// <para>
/// Instances ("execution environments"): each function keeps a pool for the lifetime of this object. An invocation
/// takes an idle instance, or creates one (a cold start, through the <see cref="HandlerFactory"/>) when all are busy,
/// as Lambda does for concurrent invocations. So sequential invocations reuse one warm instance, concurrent Map
/// iterations get their own, and a second execution with the same object starts warm; create a new object to start
/// cold. Static fields are shared by all instances (one process), unlike Lambda's separate environments.
/// </para>
/// </summary>
public sealed class InProcessLambdaFunctions : ILambdaFunctions
{
    readonly Dictionary<string, Function> functions = new(StringComparer.Ordinal);
    readonly InProcessLambdaOptions options;

    public InProcessLambdaFunctions(IEnumerable<LambdaFunctionResource> functions, HandlerFactory? handlerFactory = null, InProcessLambdaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(functions);
        this.options = options ?? new InProcessLambdaOptions();
        var factory = handlerFactory ?? HandlerFactories.ParameterlessConstructor;
        var environment = new Dictionary<string, (string? Value, string Function)>(StringComparer.Ordinal);
        foreach (var resource in functions)
        {
            if (!resource.Runtime.StartsWith("dotnet", StringComparison.Ordinal))
                throw new UnsupportedFeatureException($"Runtime {resource.Runtime}", $"function {resource.LogicalId}", "only .NET handlers run in-process");
            if (this.options.EnvironmentVariables == EnvironmentHandling.Apply)
                CollectEnvironment(resource, environment);
            if (this.functions.ContainsKey(resource.FunctionName)) throw new StatesDefinitionException($"function {resource.LogicalId}: the name {resource.FunctionName} is used twice");
            this.functions[resource.FunctionName] = new Function(resource, Resolve(resource), factory);
        }
        foreach (var (name, (value, _)) in environment)
            if (value is not null) System.Environment.SetEnvironmentVariable(name, value);
    }

    void CollectEnvironment(LambdaFunctionResource resource, Dictionary<string, (string? Value, string Function)> environment)
    {
        foreach (var (name, templateValue) in resource.Environment)
        {
            string? value;
            if (options.Environment.TryGetValue(name, out var given)) value = given;
            else value = templateValue ?? throw new StatesDefinitionException(
                $"function {resource.LogicalId}: the environment variable {name} has a value only AWS resolves (a reference to another resource); give it in InProcessLambdaOptions.Environment, or construct the handlers yourself with EnvironmentVariables = Ignore");
            if (environment.TryGetValue(name, out var seen) && seen.Value != value)
                throw new StatesDefinitionException(
                    $"function {resource.LogicalId}: the environment variable {name} is \"{value}\" but function {seen.Function} sets it to \"{seen.Value}\"; in-process functions share one environment");
            environment[name] = (value, resource.LogicalId);
        }
    }

    /// <summary>Every function of a SAM template.</summary>
    public static InProcessLambdaFunctions FromTemplate(SamTemplate template, HandlerFactory? handlerFactory = null, InProcessLambdaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        return new(template.Functions.Values, handlerFactory, options);
    }

    public bool Contains(string functionName) => Find(functionName) is not null;

    /// <summary>How many instances of a function were created (cold starts).</summary>
    public int ColdStarts(string functionName) => Find(functionName)?.ColdStarts ?? throw new ArgumentException($"no function {functionName}", nameof(functionName));

    /// <summary>How many times a function was invoked.</summary>
    public int Invocations(string functionName) => Find(functionName)?.Invocations ?? throw new ArgumentException($"no function {functionName}", nameof(functionName));

    Function? Find(string functionName) =>
        LambdaFunctionNames.NameOf(functionName) is { } name && functions.TryGetValue(name, out var f) ? f : null;

    public async Task<LambdaInvocationResult> InvokeAsync(string functionName, string payload, CancellationToken cancellationToken)
    {
        var requestId = Guid.NewGuid().ToString();
        if (Find(functionName) is not { } function)
            return LambdaInvocationResult.Failure("Lambda.ResourceNotFoundException", $"Function not found: {functionName}", requestId);
        var invocation = new Invocation();
        var run = Task.Run(() => function.InvokeAsync(payload, requestId, invocation), CancellationToken.None);
        if (options.EnforceTimeouts)
        {
            using var timeoutCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var timeout = Task.Delay(TimeSpan.FromSeconds(function.Resource.TimeoutSeconds), TimeProvider.System, timeoutCancel.Token);
            if (await Task.WhenAny(run, timeout).ConfigureAwait(false) == timeout)
            {
                cancellationToken.ThrowIfCancellationRequested();
                invocation.Abandoned = true;
                return LambdaInvocationResult.Failure("Sandbox.Timedout",
                    string.Create(CultureInfo.InvariantCulture, $"RequestId: {requestId} Error: Task timed out after {function.Resource.TimeoutSeconds:F2} seconds"), requestId);
            }
            await timeoutCancel.CancelAsync().ConfigureAwait(false);
        }
        return await run.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    Handler Resolve(LambdaFunctionResource resource)
    {
        var where = $"function {resource.LogicalId} (Handler \"{resource.Handler}\")";
        var parts = resource.Handler.Split("::");
        if (parts.Length != 3 || parts.Any(p => p.Length == 0))
            throw new StatesDefinitionException($"{where}: a .NET handler is Assembly::Namespace.Type::Method");
        Assembly assembly;
        try
        {
            assembly = (options.AssemblyLoader ?? Assembly.Load)(new AssemblyName(parts[0]));
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            throw new StatesDefinitionException($"{where}: the assembly {parts[0]} cannot be loaded ({e.Message}); reference it from the host or give InProcessLambdaOptions.AssemblyLoader");
        }
        var type = assembly.GetType(parts[1]) ?? throw new StatesDefinitionException($"{where}: the assembly {parts[0]} has no type {parts[1]}");
        if (type.IsGenericTypeDefinition) throw new StatesDefinitionException($"{where}: {type.FullName} must not be generic");
        var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).Where(m => m.Name == parts[2]).ToList();
        if (methods.Count != 1) throw new StatesDefinitionException($"{where}: {type.FullName} has {methods.Count} public methods named {parts[2]}; the runtime needs exactly one");
        var method = methods[0];
        if (!method.IsStatic && type.IsAbstract) throw new StatesDefinitionException($"{where}: {type.FullName} is abstract, so its instance method cannot be called");
        var parameters = method.GetParameters();
        if (parameters.Length > 1 || (parameters.Length == 1 && parameters[0].ParameterType != typeof(Stream)))
            throw new UnsupportedFeatureException($"the handler signature {method}", where, "in-process handlers take a Stream (or nothing); ILambdaContext and serializers are not modelled");
        if (method.ReturnType != typeof(Stream) && method.ReturnType != typeof(Task<Stream>) && method.ReturnType != typeof(void) && method.ReturnType != typeof(Task))
            throw new UnsupportedFeatureException($"the handler return type {method.ReturnType.Name}", where, "in-process handlers return Stream, Task<Stream>, Task or void");
        return new Handler(type, method, parameters.Length);
    }

    sealed record Handler(Type Type, MethodInfo Method, int ParameterCount);

    sealed class Invocation
    {
        public volatile bool Abandoned;
    }

    sealed class Function(LambdaFunctionResource resource, Handler handler, HandlerFactory factory)
    {
        readonly ConcurrentBag<object> idle = [];
        int coldStarts;
        int invocations;

        public LambdaFunctionResource Resource { get; } = resource;
        public int ColdStarts => Volatile.Read(ref coldStarts);
        public int Invocations => Volatile.Read(ref invocations);

        public async Task<LambdaInvocationResult> InvokeAsync(string payload, string requestId, Invocation invocation)
        {
            Interlocked.Increment(ref invocations);
            object? instance = null;
            try
            {
                if (!idle.TryTake(out instance))
                {
                    Interlocked.Increment(ref coldStarts);
                    instance = handler.Method.IsStatic ? new object() : Create();
                }
                using var input = new MemoryStream(Encoding.UTF8.GetBytes(payload), writable: false);
                var returned = Call(handler.Method.IsStatic ? null : instance, handler.ParameterCount == 0 ? [] : [input]);
                var output = returned switch
                {
                    Task<Stream> streamTask => await streamTask.ConfigureAwait(false),
                    Task task => await Completed(task).ConfigureAwait(false),
                    Stream stream => stream,
                    _ => null,
                };
                if (output is null) return LambdaInvocationResult.Success(null, requestId);
                await using (output.ConfigureAwait(false))
                {
                    using var reader = new StreamReader(output, Encoding.UTF8);
                    return LambdaInvocationResult.Success(await reader.ReadToEndAsync().ConfigureAwait(false), requestId);
                }
            }
            catch (Exception e)
            {
                return LambdaInvocationResult.Failure(e.GetType().Name, e.Message, requestId);
            }
            finally
            {
                if (instance is not null && !invocation.Abandoned) idle.Add(instance);
            }
        }

        static async Task<Stream?> Completed(Task task)
        {
            await task.ConfigureAwait(false);
            return null;
        }

        object Create()
        {
            var created = factory(handler.Type, Resource);
            if (created is not null)
            {
                return handler.Type.IsInstanceOfType(created) ? created
                    : throw new InvalidOperationException($"the handler factory returned a {created.GetType().FullName} for {handler.Type.FullName}");
            }
            if (handler.Type.GetConstructor(Type.EmptyTypes) is not { } constructor)
                throw new InvalidOperationException($"{handler.Type.FullName} has no public parameterless constructor, which the Lambda runtime needs");
            return Call(constructor, [])!;
        }

        object? Call(MethodInfo method, object? instance, object?[] args) => Unwrap(() => method.Invoke(instance, args));

        object? Call(object? instance, object?[] args) => Call(handler.Method, instance, args);

        static object? Call(ConstructorInfo constructor, object?[] args) => Unwrap(() => constructor.Invoke(args));

        static object? Unwrap(Func<object?> call)
        {
            try
            {
                return call();
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                ExceptionDispatchInfo.Throw(e.InnerException);
                throw;
            }
        }
    }
}
