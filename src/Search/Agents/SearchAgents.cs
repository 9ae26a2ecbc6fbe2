using AutoDesign.Search.Agents.Ddpg;
using AutoDesign.Search.Agents.Evolution;
using AutoDesign.Search.Agents.Nsga2;
using AutoDesign.Search.Architecture;
using AutoDesign.Search.Spaces;

namespace AutoDesign.Search.Agents;

/// <summary>
/// What an agent is made with besides its space: the job's seed and the settings of the agents that have any, each
/// filled in by the kind (whose defaults are its paper's). Multi-objective agents also get the number of costs.
/// </summary>
public sealed record AgentSettings(int Seed)
{
    public DdpgOptions Ddpg { get; init; } = new();

    public EvolutionOptions Evolution { get; init; } = new();

    public Nsga2Options Nsga2 { get; init; } = new();

    /// <summary>The costs a multi-objective agent minimises beside maximising the reward.</summary>
    public int Costs { get; init; }
}

/// <summary>
/// An agent a spec can name: what it does, whether it is a baseline (a reference point for the searching agents),
/// whether it only ever proposes one policy, and how it is made for a space (null when it cannot search that kind of
/// space: sequential decisions as AMC and HAQ walk them, or finite choices as architecture search has).
/// </summary>
public sealed record AgentDefinition(string Name, string Description, bool Baseline, Func<object, AgentSettings, ISearchAgent?> Create)
{
    /// <summary>Whether the agent has a single policy to offer, so one evaluation is all its job needs.</summary>
    public bool SinglePolicy { get; init; }
}

/// <summary>The agents, as Optuna lists its samplers; a kind names the ones that serve it.</summary>
public static class SearchAgents
{
    public static IReadOnlyList<AgentDefinition> All { get; } =
    [
        new("ddpg", "Deep deterministic policy gradient walking the layers one decision at a time (AMC, HAQ)", Baseline: false,
            (space, s) => space is ISequentialSpace q ? new DdpgAgent(q, s.Ddpg with { Seed = s.Seed }) : null),
        new("uniform", "The same keep ratio for every layer, the largest that meets the constraint", Baseline: true,
            (space, _) => space is ISequentialSpace q ? new UniformAgent(q) : null) { SinglePolicy = true },
        new("fixed", "The same bit-width for every layer, the most that meets the constraint", Baseline: true,
            (space, _) => space is ISequentialSpace q ? new UniformAgent(q) : null) { SinglePolicy = true },
        new("random", "Independent random proposals that meet the constraint", Baseline: true,
            (space, s) => space switch
            {
                ISequentialSpace q => new RandomAgent(q, s.Seed),
                ChoiceSpace c => new RandomChoiceAgent(c, s.Seed),
                _ => null,
            }),
        new("importance", "DuoAttention's and LServe's recipe: each decision's loss measured alone, the least important made sparse first until the constraint holds", Baseline: true,
            (space, _) => space is IProfiledLadderSpace p ? new ImportanceAgent(p) : null) { SinglePolicy = true },
        new("profiling", "Sparse VideoGen's online profiling: each head spatial or temporal as its attention on calibration clips is closer to full attention (no search)", Baseline: true,
            (space, _) => space is LadderSpace ladders and IOnlineProfiledSpace profiling ? new ProfilingAgent(ladders, profiling) : null) { SinglePolicy = true },
        new("evolution", "Once-for-All's evolutionary search: mutation and crossover of the best", Baseline: false,
            (space, s) => space switch
            {
                ChoiceSpace c => new EvolutionAgent(c, s.Evolution, s.Seed),
                LadderSpace l => LadderAgent.Of(l, choices => new EvolutionAgent(choices, s.Evolution, s.Seed)),
                _ => null,
            }),
        new("nsga2", "NSGA-II: a Pareto front of accuracy against the costs", Baseline: false,
            (space, s) => space is ChoiceSpace c ? new Nsga2Agent(c, s.Costs, s.Nsga2, s.Seed) : null),
    ];

    public static AgentDefinition? Find(string name) => All.FirstOrDefault(a => a.Name == name);

    /// <summary>The named agent for a space; <see cref="ArgumentException"/> when there is none or it cannot search that space.</summary>
    public static ISearchAgent Create(string name, object space, AgentSettings settings) =>
        (Find(name) ?? throw new ArgumentException($"there is no agent '{name}'")).Create(space, settings)
        ?? throw new ArgumentException($"agent '{name}' cannot search a {space.GetType().Name}");
}
