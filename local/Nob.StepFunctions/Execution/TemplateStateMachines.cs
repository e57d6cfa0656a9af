using System.Collections.Concurrent;

namespace Nob.StepFunctions;

/// <summary>
/// The state machines of one template, built on first use with the same functions and options, so that a
/// states:startExecution task can start any of them (and a machine may start itself, as on AWS).
/// </summary>
internal sealed class TemplateStateMachines(SamTemplate template, ILambdaFunctions functions, LocalStateMachineOptions options)
{
    readonly ConcurrentDictionary<string, Lazy<LocalStateMachine>> machines = new(StringComparer.Ordinal);

    public LocalStateMachine Get(string logicalId) =>
        machines.GetOrAdd(logicalId, id => new Lazy<LocalStateMachine>(() => Build(id))).Value;

    LocalStateMachine? Resolve(string arn) =>
        template.StateMachines.Values.FirstOrDefault(m => m.Arn == arn) is { } resource ? Get(resource.LogicalId) : null;

    LocalStateMachine Build(string logicalId)
    {
        var definition = StateMachineDefinition.FromTemplate(template, logicalId);
        var machine = new LocalStateMachine(definition, functions, options) { StateMachines = Resolve };
        foreach (var task in StateMachineDefinition.Tasks(definition.Root))
        {
            if (task.StaticStateMachineArn is { } arn && template.StateMachines.Values.All(m => m.Arn != arn))
                throw new StatesDefinitionException($"{task.Location}: StateMachineArn \"{arn}\" is not a state machine of the template (it has {string.Join(", ", template.StateMachines.Values.Select(m => m.Arn))})");
        }
        return machine;
    }
}
