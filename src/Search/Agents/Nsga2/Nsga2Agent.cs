using AutoDesign.Search.Architecture;
using AutoDesign.Search.Pareto;

namespace AutoDesign.Search.Agents.Nsga2;

/// <summary>
/// NSGA-II (Deb et al., 2002) on ask/tell: maximises the reward and minimises each of <c>costs</c> costs told with it
/// (<see cref="Scored.Costs"/>). Each generation's offspring are bred by binary tournament on (front, crowding
/// distance), uniform crossover and mutation, every child allowed by the space; parents and offspring together are
/// cut back to the population by non-dominated sorting and crowding distance. Everything told goes into a
/// <see cref="ParetoArchive"/>, whose hypervolume is recorded after every generation.
/// </summary>
public sealed class Nsga2Agent : PopulationAgent
{
    private readonly Nsga2Options _options;
    private readonly int _costs;
    private readonly double _mutation;
    private List<Member> _population = [];
    private ParetoArchive _archive;
    private double[]? _reference;
    private readonly List<double> _hypervolumes = [];

    public Nsga2Agent(ChoiceSpace space, int costs, Nsga2Options options, int seed) : base(space, seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(costs, 1);
        if (options.Problems().FirstOrDefault() is { Field: not null } problem) throw new ArgumentException($"{problem.Field} {problem.Reason}", nameof(options));
        if (options.Reference is { } r && r.Count != costs + 1) throw new ArgumentException($"the reference needs {costs + 1} values (accuracy, then each cost), got {r.Count}", nameof(options));
        _options = options;
        _costs = costs;
        _mutation = options.MutationProbability ?? 1.0 / space.Decisions.Count;
        _archive = new ParetoArchive(costs + 1);
        _reference = options.Reference?.ToArray();
    }

    public override string Name => "nsga2";

    /// <summary>The non-dominated candidates told so far (by id), every objective minimised: accuracy negated, then the costs.</summary>
    public IReadOnlyList<ArchivePoint> Front => _archive.Points;

    /// <summary>The archive's hypervolume after each completed generation, against <see cref="Reference"/>.</summary>
    public IReadOnlyList<double> Hypervolumes => _hypervolumes;

    public IReadOnlyList<double>? Reference => _reference;

    /// <summary>The current parent population.</summary>
    public IReadOnlyList<Member> Population => _population;

    protected override void Told(Member member, int id)
    {
        if (member.Costs.Length != _costs) throw new ArgumentException($"NSGA-II was built for {_costs} costs, a result has {member.Costs.Length}");
        _archive.Add(id, Objectives(member));
    }

    protected override IEnumerable<int[]> Breed(IReadOnlyList<Member> told)
    {
        if (_population.Count == 0 && told.Count == 0)
            return Enumerable.Range(0, _options.Population).Select(_ => Child(() => Space.Sample(Random))).ToList();

        _population = Select(Distinct(_population.Concat(told)), _options.Population);
        _reference ??= Hypervolume.ReferenceFor(_population.Select(Objectives).ToList());
        _hypervolumes.Add(_archive.Hypervolume(_reference));

        var points = _population.Select(Objectives).ToList();
        var fronts = NonDominatedSorting.Fronts(points);
        var rank = new int[points.Count];
        var crowding = new double[points.Count];
        for (int f = 0; f < fronts.Count; f++)
        {
            var distance = CrowdingDistance.Of(points, fronts[f]);
            for (int k = 0; k < fronts[f].Count; k++) (rank[fronts[f][k]], crowding[fronts[f][k]]) = (f, distance[k]);
        }
        int Tournament()
        {
            int a = Random.NextInt(points.Count), b = Random.NextInt(points.Count);
            if (rank[a] != rank[b]) return rank[a] < rank[b] ? a : b;
            return crowding[b] > crowding[a] ? b : a;
        }
        return Enumerable.Range(0, _options.Population).Select(_ => Child(() =>
        {
            var first = _population[Tournament()].Choices;
            var second = _population[Tournament()].Choices;
            var child = Random.NextDouble() < _options.CrossoverProbability ? ChoiceOperators.Crossover(first, second, Random) : first;
            return ChoiceOperators.Mutate(child, _mutation, Space.Decisions, Random);
        })).ToList();
    }

    /// <summary>Whole fronts while they fit, then the least crowded of the next front.</summary>
    private static List<Member> Select(IReadOnlyList<Member> members, int size)
    {
        var points = members.Select(Objectives).ToList();
        var selected = new List<Member>(size);
        foreach (var front in NonDominatedSorting.Fronts(points))
        {
            if (selected.Count + front.Count <= size)
            {
                selected.AddRange(front.Select(i => members[i]));
                continue;
            }
            var distance = CrowdingDistance.Of(points, front);
            selected.AddRange(Enumerable.Range(0, front.Count).OrderByDescending(k => distance[k]).ThenBy(k => front[k])
                .Take(size - selected.Count).Select(k => members[front[k]]));
            break;
        }
        return selected;
    }

    private static IReadOnlyList<double> Objectives(Member member) => Dominance.Minimised(member.Reward, member.Costs);

    protected override void WriteState(BinaryWriter writer)
    {
        writer.WriteList(_population, WriteMember);
        writer.WriteList(_archive.Points, (w, p) => { w.Write(p.Id); w.WriteDoubles(p.Values); });
        writer.Write(_reference is not null);
        if (_reference is not null) writer.WriteDoubles(_reference);
        writer.WriteDoubles(_hypervolumes);
    }

    protected override void ReadState(BinaryReader reader)
    {
        _population = reader.ReadList(ReadMember);
        _archive = new ParetoArchive(_costs + 1);
        foreach (var (id, values) in reader.ReadList(r => (r.ReadInt32(), r.ReadDoubles()))) _archive.Add(id, values);
        _reference = reader.ReadBoolean() ? reader.ReadDoubles() : null;
        _hypervolumes.Clear();
        _hypervolumes.AddRange(reader.ReadDoubles());
    }
}
