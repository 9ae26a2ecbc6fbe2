namespace AutoDesign.Search.Agents;

/// <summary>
/// The baseline of one action for every step: the largest that the space's constraint rule leaves unchanged at every
/// step (found by bisection), i.e. the uniform policy that just meets the constraint. Every ask returns that policy.
/// </summary>
public sealed class UniformAgent(ISequentialSpace space) : ISearchAgent
{
    private int _nextId;

    public string Name => "uniform";

    public double Solve()
    {
        if (Fits(1.0)) return 1.0;
        double low = 0, high = 1;
        for (int i = 0; i < 40; i++)
        {
            double mid = (low + high) / 2;
            if (Fits(mid)) low = mid;
            else high = mid;
        }
        return low;
    }

    public IReadOnlyList<Candidate> Ask(int count)
    {
        double action = Solve();
        return Enumerable.Range(0, count).Select(_ =>
        {
            var episode = space.Begin();
            for (int step = 0; step < space.Steps; step++) episode.Act(action);
            return new Candidate(_nextId++, episode.Finish());
        }).ToList();
    }

    public void Tell(IReadOnlyList<Scored> results)
    {
    }

    public byte[] Snapshot() => BitConverter.GetBytes(_nextId);

    public void Restore(byte[] snapshot) => _nextId = BitConverter.ToInt32(snapshot);

    // The policy fits when the constraint rule never had to lower an action (rounding aside).
    private bool Fits(double action)
    {
        var episode = space.Begin();
        for (int step = 0; step < space.Steps; step++) episode.Act(action);
        episode.Finish();
        return !episode.Limited;
    }
}
