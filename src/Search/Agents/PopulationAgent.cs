using AutoDesign.Search.Architecture;

namespace AutoDesign.Search.Agents;

/// <summary>A candidate of a population agent with what its evaluation gave.</summary>
public sealed record Member(int[] Choices, double Reward, double[] Costs)
{
    public string Key => ChoiceVector.Key(Choices);
}

/// <summary>
/// The ask/tell side of a generational agent (evolution, NSGA-II): a generation is bred whole, handed out one
/// candidate at a time, and the next is bred once every candidate of this one has been told. <see cref="Ask"/> returns
/// fewer than asked (possibly none) when the rest of a generation waits for results. Every child is one the space
/// allows, and differs from all earlier ones where <see cref="ChoiceOperators.Child"/> can manage it.
/// </summary>
public abstract class PopulationAgent(ChoiceSpace space, int seed) : ISearchAgent
{
    private readonly Queue<int[]> _queue = new();
    private readonly Dictionary<int, int[]> _outstanding = [];
    private readonly List<Member> _told = [];
    private readonly HashSet<string> _proposed = [];
    private int _nextId;

    protected ChoiceSpace Space { get; } = space;

    protected SplitMix64 Random { get; private set; } = new((ulong)seed);

    public abstract string Name { get; }

    /// <summary>Generations bred so far (the first, random one included).</summary>
    public int Generation { get; private set; }

    public IReadOnlyList<Candidate> Ask(int count)
    {
        var candidates = new List<Candidate>(count);
        while (candidates.Count < count)
        {
            if (_queue.Count == 0 && _outstanding.Count == 0)
            {
                foreach (var child in Breed(_told)) _queue.Enqueue(child);
                _told.Clear();
                Generation++;
            }
            if (_queue.Count == 0) break;
            var choices = _queue.Dequeue();
            var candidate = ChoiceVector.ToCandidate(_nextId++, choices);
            _outstanding[candidate.Id] = choices;
            candidates.Add(candidate);
        }
        return candidates;
    }

    public void Tell(IReadOnlyList<Scored> results)
    {
        foreach (var result in results)
        {
            if (!_outstanding.Remove(result.Candidate.Id, out var choices))
                throw new ArgumentException($"candidate {result.Candidate.Id} was not asked for or was already told", nameof(results));
            var member = new Member(choices, result.Reward, result.Costs?.ToArray() ?? []);
            Told(member, result.Candidate.Id);
            _told.Add(member);
        }
    }

    /// <summary>The next generation, from the members told since the last (none before the first).</summary>
    protected abstract IEnumerable<int[]> Breed(IReadOnlyList<Member> told);

    /// <summary>A hook for each result as it arrives.</summary>
    protected virtual void Told(Member member, int id)
    {
    }

    /// <summary>An allowed child made by <paramref name="make"/> (see <see cref="ChoiceOperators.Child"/>), remembered as proposed.</summary>
    protected int[] Child(Func<int[]> make)
    {
        var child = ChoiceOperators.Child(Space, make, Random, _proposed);
        _proposed.Add(ChoiceVector.Key(child));
        return child;
    }

    protected static IReadOnlyList<Member> Distinct(IEnumerable<Member> members) => members.DistinctBy(m => m.Key).ToList();

    protected abstract void WriteState(BinaryWriter writer);

    protected abstract void ReadState(BinaryReader reader);

    public byte[] Snapshot() => SnapshotIO.Write(w =>
    {
        w.Write(Random.State);
        w.Write(_nextId);
        w.Write(Generation);
        w.WriteList(_queue, (w, c) => w.WriteInts(c));
        w.WriteList(_outstanding, (w, p) => { w.Write(p.Key); w.WriteInts(p.Value); });
        w.WriteList(_told, WriteMember);
        w.WriteList(_proposed.Order(StringComparer.Ordinal).ToList(), (w, k) => w.Write(k));
        WriteState(w);
    });

    public void Restore(byte[] snapshot) => SnapshotIO.Read(snapshot, r =>
    {
        Random = new SplitMix64(r.ReadUInt64());
        _nextId = r.ReadInt32();
        Generation = r.ReadInt32();
        _queue.Clear();
        foreach (var c in r.ReadList(r => r.ReadInts())) _queue.Enqueue(c);
        _outstanding.Clear();
        foreach (var (id, c) in r.ReadList(r => (r.ReadInt32(), r.ReadInts()))) _outstanding[id] = c;
        _told.Clear();
        _told.AddRange(r.ReadList(ReadMember));
        _proposed.Clear();
        _proposed.UnionWith(r.ReadList(r => r.ReadString()));
        ReadState(r);
    });

    protected static void WriteMember(BinaryWriter writer, Member member)
    {
        writer.WriteInts(member.Choices);
        writer.Write(member.Reward);
        writer.WriteDoubles(member.Costs);
    }

    protected static Member ReadMember(BinaryReader reader) => new(reader.ReadInts(), reader.ReadDouble(), reader.ReadDoubles());
}
