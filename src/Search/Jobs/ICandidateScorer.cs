namespace AutoDesign.Search.Jobs;

/// <summary>
/// Turns the actions an agent took into an evaluated candidate. Built from the job's plan alone, so that any silo of
/// a cluster can build one and score a job's candidates.
/// </summary>
public interface ICandidateScorer : IDisposable
{
    /// <summary>The policy the actions stand for, as it is recorded (cheap: nothing is evaluated).</summary>
    IReadOnlyList<PolicyEntry> Describe(IReadOnlyList<double> actions);

    /// <param name="bar">
    /// The reward the best fully scored candidate so far earned, or null. A scorer that screens candidates on a
    /// subset of its images first (successive halving) scores in full only those that could still beat it.
    /// </param>
    CandidateResult Score(int index, IReadOnlyList<double> actions, double? bar = null);
}
