namespace AutoDesign.Host.Evaluators;

/// <summary>A stateless worker that scores one candidate at a time; a silo runs at most one per core.</summary>
public interface IEvaluatorGrain : IGrainWithIntegerKey
{
    /// <summary>The scored candidate, with the silo that scored it.</summary>
    Task<CandidateResult> ScoreAsync(EvaluationOrder order);
}
