using AutoDesign.Host.Placement;
using AutoDesign.Search.Jobs;

namespace AutoDesign.Host.Evaluators;

/// <summary>
/// A job's evaluation pool in the service: the candidates of a batch go round the cluster's active silos, each scored
/// by that silo's evaluator workers. If a silo leaves while scoring, its candidates are sent to another one.
/// </summary>
internal sealed class ClusterEvaluations(IGrainFactory grains, Guid jobId, JobPlan plan, IReadOnlyList<string> sharedDirectories, ILogger logger)
    : IEvaluationPool
{
    private int _next;

    public async Task<IReadOnlyList<CandidateResult>> EvaluateAsync(IReadOnlyList<EvaluationRequest> requests, CancellationToken cancellation)
    {
        var silos = await ActiveSilos();
        var scoring = requests.Select(r => Score(r, silos, _next++)).ToList();
        return await Task.WhenAll(scoring).WaitAsync(cancellation);
    }

    private async Task<CandidateResult> Score(EvaluationRequest request, IReadOnlyList<string> silos, int turn)
    {
        var order = new EvaluationOrder(jobId, plan, request.Index, [.. request.Actions], [.. sharedDirectories], request.Bar);
        for (int attempt = 0; ; attempt++)
        {
            string silo = silos[(turn + attempt) % silos.Count];
            try
            {
                return await grains.GetGrain<ISiloEvaluatorsGrain>(SiloBoundPlacement.KeyFor(silo, "evaluators")).ScoreAsync(order);
            }
            catch (Exception e) when (e is SiloUnavailableException or OrleansMessageRejectionException && attempt < 5)
            {
                logger.LogWarning("Candidate {Index} of job {Job} could not be scored on {Silo} ({Reason}); trying another silo", request.Index, jobId, silo, e.Message);
                silos = await ActiveSilos();
            }
        }
    }

    private async Task<IReadOnlyList<string>> ActiveSilos()
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        return [.. hosts.Keys.Select(s => s.ToParsableString()).Order()];
    }
}
