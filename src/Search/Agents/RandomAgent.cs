namespace AutoDesign.Search.Agents;

/// <summary>The baseline: uniformly random actions, each passed through the space's constraint rule.</summary>
public sealed class RandomAgent(ISequentialSpace space, int seed) : ISearchAgent
{
    private SplitMix64 _random = new((ulong)seed);
    private int _nextId;

    public string Name => "random";

    public IReadOnlyList<Candidate> Ask(int count)
    {
        var candidates = new List<Candidate>(count);
        for (int i = 0; i < count; i++)
        {
            var episode = space.Begin();
            for (int step = 0; step < space.Steps; step++) episode.Act(_random.NextDouble());
            candidates.Add(new Candidate(_nextId++, episode.Finish()));
        }
        return candidates;
    }

    public void Tell(IReadOnlyList<Scored> results)
    {
    }

    public byte[] Snapshot()
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(_random.State);
        writer.Write(_nextId);
        writer.Flush();
        return stream.ToArray();
    }

    public void Restore(byte[] snapshot)
    {
        using var reader = new BinaryReader(new MemoryStream(snapshot));
        _random = new SplitMix64(reader.ReadUInt64());
        _nextId = reader.ReadInt32();
    }
}
