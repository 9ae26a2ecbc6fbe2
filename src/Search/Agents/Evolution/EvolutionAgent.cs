using AutoDesign.Search.Architecture;

namespace AutoDesign.Search.Agents.Evolution;

/// <summary>
/// Once-for-All's evolutionary search on ask/tell: a random first population, then generations of the best parents
/// (kept, not evaluated again) and their mutated and crossed children. The space's constraint holds for every child:
/// one that breaks it is repaired or made again, never proposed. Maximises the reward.
/// </summary>
public sealed class EvolutionAgent : PopulationAgent
{
    private readonly EvolutionOptions _options;
    private List<Member> _parents = [];

    public EvolutionAgent(ChoiceSpace space, EvolutionOptions options, int seed) : base(space, seed)
    {
        if (options.Problems().FirstOrDefault() is { Field: not null } problem) throw new ArgumentException($"{problem.Field} {problem.Reason}", nameof(options));
        _options = options;
    }

    public override string Name => "evolution";

    /// <summary>The parents of the current generation, best first.</summary>
    public IReadOnlyList<Member> Parents => _parents;

    protected override IEnumerable<int[]> Breed(IReadOnlyList<Member> told)
    {
        var population = Distinct(_parents.Concat(told));
        if (population.Count == 0)
            return Enumerable.Range(0, _options.Population).Select(_ => Child(() => Space.Sample(Random))).ToList();

        // OrderByDescending is stable: among equal rewards the earlier member wins.
        _parents = population.OrderByDescending(m => m.Reward).Take(_options.Parents).ToList();
        var children = new List<int[]>();
        for (int i = 0; i < _options.Mutations; i++)
            children.Add(Child(() => ChoiceOperators.Mutate(Pick().Choices, _options.MutationProbability, Space.Decisions, Random)));
        while (children.Count < _options.Population - _parents.Count)
            children.Add(Child(() => ChoiceOperators.Crossover(Pick().Choices, Pick().Choices, Random)));
        return children;
    }

    private Member Pick() => _parents[Random.NextInt(_parents.Count)];

    protected override void WriteState(BinaryWriter writer) => writer.WriteList(_parents, WriteMember);

    protected override void ReadState(BinaryReader reader) => _parents = reader.ReadList(ReadMember);
}
