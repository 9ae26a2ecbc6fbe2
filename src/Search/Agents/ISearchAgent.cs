namespace AutoDesign.Search.Agents;

/// <summary>
/// Ask/tell search: <see cref="Ask"/> proposes candidates, someone evaluates them, <see cref="Tell"/> hands the
/// rewards back. The whole state, networks and random generator included, round-trips through
/// <see cref="Snapshot"/> and <see cref="Restore"/>, so a restored agent continues exactly as the original would.
/// </summary>
public interface ISearchAgent
{
    string Name { get; }

    IReadOnlyList<Candidate> Ask(int count);

    /// <summary>Rewards for earlier asks; each candidate is told once.</summary>
    void Tell(IReadOnlyList<Scored> results);

    byte[] Snapshot();

    void Restore(byte[] snapshot);
}
