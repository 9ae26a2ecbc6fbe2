namespace AutoDesign.Host.Evaluators;

/// <summary>The evaluation workers of one silo, keyed by the silo and placed on it: how a job reaches another silo's workers.</summary>
public interface ISiloEvaluatorsGrain : IGrainWithStringKey
{
    /// <summary>The candidate scored by one of this silo's workers.</summary>
    Task<CandidateResult> ScoreAsync(EvaluationOrder order);
}
