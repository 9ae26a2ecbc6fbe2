using AutoDesign.Search.Spaces;

namespace AutoDesign.Search.Agents;

/// <summary>
/// Sparse VideoGen's online profiling as a baseline: the one policy the model's own profiling chooses (on calibration
/// inputs), brought within the budget as a ladder space repairs a policy when it is over.
/// </summary>
public sealed class ProfilingAgent(LadderSpace space, IOnlineProfiledSpace profiling) : ISearchAgent
{
    private bool _asked;

    public string Name => "profiling";

    public IReadOnlyList<Candidate> Ask(int count)
    {
        if (_asked || count < 1) return [];
        _asked = true;
        var rungs = profiling.ProfiledRungs()?.ToArray() ?? throw new InvalidOperationException("this model's heads cannot profile themselves");
        space.Repair(rungs);
        return [new Candidate(0, [.. rungs.Select((r, i) => LadderSpace.ActionOf(r, space.Ladder(i).Count))])];
    }

    public void Tell(IReadOnlyList<Scored> results)
    {
    }

    public byte[] Snapshot() => SnapshotIO.Write(w => w.Write(_asked));

    public void Restore(byte[] snapshot) => SnapshotIO.Read(snapshot, r => _asked = r.ReadBoolean());
}
