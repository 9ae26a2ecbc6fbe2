using AutoDesign.Search.Architecture;

namespace AutoDesign.Search.Agents;

/// <summary>The baseline of architecture search: each candidate an independent draw from the space's allowed vectors.</summary>
public sealed class RandomChoiceAgent(ChoiceSpace space, int seed) : ISearchAgent
{
    private SplitMix64 _random = new((ulong)seed);
    private int _nextId;

    public string Name => "random";

    public IReadOnlyList<Candidate> Ask(int count) =>
        Enumerable.Range(0, count).Select(_ => ChoiceVector.ToCandidate(_nextId++, space.Sample(_random))).ToList();

    public void Tell(IReadOnlyList<Scored> results)
    {
    }

    public byte[] Snapshot() => SnapshotIO.Write(w =>
    {
        w.Write(_random.State);
        w.Write(_nextId);
    });

    public void Restore(byte[] snapshot) => SnapshotIO.Read(snapshot, r =>
    {
        _random = new SplitMix64(r.ReadUInt64());
        _nextId = r.ReadInt32();
    });
}
