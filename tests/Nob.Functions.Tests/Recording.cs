using System.Reflection;

namespace Nob.Functions.Tests;

/// <summary>Wraps a port implementation and records which of its methods were called.</summary>
public class Recording<T> : DispatchProxy where T : class
{
    T? inner;
    HashSet<string>? calls;

    public static T Wrap(T inner, HashSet<string> calls)
    {
        var proxy = Create<T, Recording<T>>();
        var recording = (Recording<T>)(object)proxy;
        recording.inner = inner;
        recording.calls = calls;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        calls!.Add($"{typeof(T).Name}.{targetMethod!.Name}");
        try
        {
            return targetMethod.Invoke(inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
