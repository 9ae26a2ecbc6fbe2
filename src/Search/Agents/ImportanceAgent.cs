using AutoDesign.Search.Spaces;

namespace AutoDesign.Search.Agents;

/// <summary>
/// DuoAttention's and LServe's recipe for choosing streaming heads, for any space of ladders: measure each step's
/// loss alone at the bottom of its ladder, then take steps to the bottom from the least important up until the
/// budget holds. One policy; the measurements are not candidates.
/// </summary>
public sealed class ImportanceAgent(IProfiledLadderSpace space) : ISearchAgent
{
    private bool _asked;

    public string Name => "importance";

    public IReadOnlyList<Candidate> Ask(int count)
    {
        if (_asked || count < 1) return [];
        _asked = true;
        var rungs = new int[space.Steps];
        var order = Enumerable.Range(0, space.Steps).Select(step => (Step: step, Loss: space.Loss(step))).OrderBy(s => s.Loss).ThenBy(s => s.Step);
        foreach (var (step, _) in order)
        {
            if (space.Budget is not { } budget || space.CostOf(rungs) <= budget) break;
            rungs[step] = space.Rungs(step) - 1;
        }
        return [new Candidate(0, [.. rungs.Select((r, i) => LadderSpace.ActionOf(r, space.Rungs(i)))])];
    }

    public void Tell(IReadOnlyList<Scored> results)
    {
    }

    public byte[] Snapshot() => SnapshotIO.Write(w => w.Write(_asked));

    public void Restore(byte[] snapshot) => SnapshotIO.Read(snapshot, r => _asked = r.ReadBoolean());
}
