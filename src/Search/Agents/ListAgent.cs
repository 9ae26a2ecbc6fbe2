namespace AutoDesign.Search.Agents;

/// <summary>
/// Proposes a fixed list of candidates in order and learns nothing: the confirmation round of a predictor-guided
/// search, where the predictor's shortlist is evaluated for real. Its state is how far down the list it is.
/// </summary>
public sealed class ListAgent(IReadOnlyList<IReadOnlyList<double>> candidates) : ISearchAgent
{
    private int _next;

    public string Name => "list";

    public IReadOnlyList<Candidate> Ask(int count)
    {
        var asked = candidates.Skip(_next).Take(count).Select((actions, i) => new Candidate(_next + i, actions)).ToList();
        _next += asked.Count;
        return asked;
    }

    public void Tell(IReadOnlyList<Scored> results)
    {
    }

    public byte[] Snapshot() => SnapshotIO.Write(w => w.Write(_next));

    public void Restore(byte[] snapshot) => SnapshotIO.Read(snapshot, r => _next = r.ReadInt32());
}
