namespace AutoDesign.Search.Jobs;

/// <summary>A scorer made of two functions, for spaces whose candidates need no model (a benchmark table's rows).</summary>
public sealed class DelegateScorer(
    Func<IReadOnlyList<double>, IReadOnlyList<PolicyEntry>> describe,
    Func<int, IReadOnlyList<double>, CandidateResult> score) : ICandidateScorer
{
    public IReadOnlyList<PolicyEntry> Describe(IReadOnlyList<double> actions) => describe(actions);

    public CandidateResult Score(int index, IReadOnlyList<double> actions, double? bar = null) => score(index, actions);

    public void Dispose() { }
}
