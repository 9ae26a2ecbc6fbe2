using System.Text.Json;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Architecture;
using AutoDesign.Search.Jobs;

namespace AutoDesign.Search.Tests.Jobs;

public class SearchLoopTests
{
    /// <summary>Proposes the same vector for ever, as a converged agent on a tiny space would.</summary>
    private sealed class StuckAgent : ISearchAgent
    {
        private int _next;

        public int Told { get; private set; }

        public string Name => "stuck";

        public IReadOnlyList<Candidate> Ask(int count) => Enumerable.Range(0, count).Select(_ => ChoiceVector.ToCandidate(_next++, [1, 0])).ToList();

        public void Tell(IReadOnlyList<Scored> results) => Told += results.Count;

        public byte[] Snapshot() => [];

        public void Restore(byte[] snapshot) { }
    }

    [Fact]
    public async Task A_search_of_distinct_candidates_counts_repeats_as_nothing_and_ends_when_the_agent_offers_nothing_new()
    {
        var agent = new StuckAgent();
        int evaluations = 0;

        static IReadOnlyList<PolicyEntry> Describe(IReadOnlyList<double> actions) =>
            ChoiceVector.Of(actions).Select((v, i) => new PolicyEntry($"d{i}", Choice: v.ToString())).ToList();
        var scorer = new DelegateScorer(Describe, (index, actions) => { evaluations++; return new CandidateResult(index, 0.5, 0, 0, 1, 0.5, Describe(actions)); });

        var result = await SearchLoop.RunAsync(agent, 5, 1, scorer, new LocalEvaluations(scorer), NoJournal.Instance, null, null, CancellationToken.None, distinct: true);

        Assert.Single(result.Candidates);
        Assert.Equal(1, evaluations);
        Assert.Equal(1 + SearchLoop.MaxRepeatsInARow, agent.Told); // every repeat was told, none recorded
    }

    [Fact]
    public void Architecture_fields_of_a_policy_entry_are_left_out_of_other_kinds_json()
    {
        string quantized = JsonSerializer.Serialize(new PolicyEntry("conv1", WBits: 4, ABits: 8), AutoDesignJson.Options);
        string architecture = JsonSerializer.Serialize(new PolicyEntry("k0", Choice: "5", Value: 5), AutoDesignJson.Options);

        Assert.DoesNotContain("choice", quantized);
        Assert.DoesNotContain("value", quantized);
        Assert.Contains("\"choice\":\"5\"", architecture);
        Assert.Contains("\"value\":5", architecture);
    }
}
