using System.Reflection;

namespace Nob.StepFunctions;

/// <summary>
/// Constructs a handler instance for a Lambda "cold start" of <paramref name="function"/> (whose Environment the factory
/// may read). Return null to let the runtime do what Lambda does: call the type's public parameterless constructor.
/// </summary>
public delegate object? HandlerFactory(Type handlerType, LambdaFunctionResource function);

public static class HandlerFactories
{
    /// <summary>Lambda's own behaviour: every handler through its public parameterless constructor.</summary>
    public static HandlerFactory ParameterlessConstructor { get; } = (_, _) => null;

    /// <summary>
    /// Builds each handler with the public constructor taking the most parameters that <paramref name="services"/> can
    /// all satisfy (a service fits a parameter it is assignable to). A handler with only a parameterless constructor gets
    /// that one. A handler whose constructors need something not given fails (it would otherwise fall back to its
    /// parameterless constructor and reach real AWS). A parameter no service fits gets its default value when it has one,
    /// or null when it is a nullable reference (as <c>string? verifierSecurityGroupId</c>).
    /// </summary>
    public static HandlerFactory FromServices(params object[] services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var nullability = new NullabilityInfoContext();
        return (type, _) =>
        {
            var constructors = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance);
            if (constructors.All(c => c.GetParameters().Length == 0)) return null;
            foreach (var constructor in constructors.Where(c => c.GetParameters().Length > 0).OrderByDescending(c => c.GetParameters().Length))
            {
                var parameters = constructor.GetParameters();
                var args = new object?[parameters.Length];
                var satisfied = true;
                for (var i = 0; i < parameters.Length && satisfied; i++)
                {
                    var p = parameters[i];
                    if (services.FirstOrDefault(p.ParameterType.IsInstanceOfType) is { } service) args[i] = service;
                    else if (p.HasDefaultValue) args[i] = p.DefaultValue;
                    else if (!p.ParameterType.IsValueType && nullability.Create(p).WriteState == NullabilityState.Nullable) args[i] = null;
                    else satisfied = false;
                }
                if (satisfied) return constructor.Invoke(args);
            }
            var wanted = constructors.SelectMany(c => c.GetParameters()).Select(p => p.ParameterType.Name).Distinct();
            throw new InvalidOperationException(
                $"{type.FullName}: no public constructor can be satisfied by the services given ({string.Join(", ", services.Select(s => s.GetType().Name))}); its constructors take {string.Join(", ", wanted)}");
        };
    }
}
