using System.Reflection;

namespace Nob.StateMachine.Tests;

/// <summary>Wraps a port implementation so that concurrent Map iterations call it one at a time (the fakes are not thread-safe).</summary>
public class Synchronized<T> : DispatchProxy where T : class
{
    T? inner;
    Lock? gate;

    public static T Wrap(T inner, Lock gate)
    {
        var proxy = Create<T, Synchronized<T>>();
        var s = (Synchronized<T>)(object)proxy;
        s.inner = inner;
        s.gate = gate;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        lock (gate!)
        {
            try
            {
                return targetMethod!.Invoke(inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
        }
    }
}
