namespace AutoDesign.Search.Jobs;

/// <summary>
/// Turns the actions an agent took into an evaluated candidate. Built from the job's plan alone, so that any silo of
/// a cluster can build one and score a job's candidates.
/// </summary>
public interface ICandidateScorer : IDisposable
{
    /// <summary>The policy the actions stand for, as it is recorded (cheap: nothing is evaluated).</summary>
    IReadOnlyList<PolicyEntry> Describe(IReadOnlyList<double> actions);

    CandidateResult Score(int index, IReadOnlyList<double> actions);
}
