using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Nob.StateMachine.Tests;

/// <summary>
/// A proxy of a port that passes calls on to the implementation it wraps and lets what that throws out as is (not
/// wrapped in a <see cref="TargetInvocationException"/>), so a handler sees the exception the port threw.
/// </summary>
public abstract class PortProxy<T> : DispatchProxy where T : class
{
    T? inner;

    /// <summary>A <typeparamref name="TProxy"/> in front of <paramref name="inner"/>, set up by <paramref name="configure"/>.</summary>
    protected static T Wrap<TProxy>(T inner, Action<TProxy> configure) where TProxy : PortProxy<T>
    {
        var proxy = Create<T, TProxy>();
        var self = (TProxy)(object)proxy;
        self.inner = inner;
        configure(self);
        return proxy;
    }

    protected object? Forward(MethodInfo method, object?[]? args)
    {
        try
        {
            return method.Invoke(inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}

/// <summary>Wraps a port implementation so that concurrent Map iterations call it one at a time (the fakes are not thread-safe).</summary>
public class Synchronized<T> : PortProxy<T> where T : class
{
    Lock? gate;

    public static T Wrap(T inner, Lock gate) => Wrap<Synchronized<T>>(inner, s => s.gate = gate);

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        lock (gate!) return Forward(targetMethod!, args);
    }
}
