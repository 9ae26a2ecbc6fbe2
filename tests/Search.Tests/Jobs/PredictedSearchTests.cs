using AutoDesign.HardwareProfiler.Costs;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Agents.Evolution;
using AutoDesign.Search.Agents.Nsga2;
using AutoDesign.Search.Architecture;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Pareto;
using AutoDesign.Search.Kinds.Nas;

namespace AutoDesign.Search.Tests.Jobs;

/// <summary>The predictor's round of a predictor-guided search, with a made-up predictor whose every answer is recorded.</summary>
public sealed class PredictedSearchTests
{
    private readonly SupernetLayout _layout = TinySupernet.Layout();
    private readonly Dictionary<string, (double Accuracy, double Macs)> _scored = [];

    /// <summary>A made-up accuracy that grows with MACs, plus a fixed pseudo-random term per network (so no ties); every network scored is recorded.</summary>
    private double Predict(SubnetChoice choice)
    {
        var subnets = new SubnetSpace(_layout);
        string key = ChoiceVector.Key(subnets.Encode(subnets.Canonical(choice)));
        double macs = TinySupernet.Macs(_layout, choice);
        double accuracy = macs / TinySupernet.Macs(_layout, subnets.Largest) + 0.1 * new SplitMix64(key.Aggregate(17UL, (hash, c) => hash * 31 + c)).NextDouble();
        _scored[key] = (accuracy, macs);
        return accuracy;
    }

    private SupernetSpace Space()
    {
        var subnets = new SubnetSpace(_layout);
        double middle = (TinySupernet.Macs(_layout, subnets.Smallest) + TinySupernet.Macs(_layout, subnets.Largest)) / 2;
        return new SupernetSpace(_layout, [CostMetric.Flops, CostMetric.Params], "flops", middle).WithAccuracy(Predict);
    }

    [Theory]
    [InlineData("evolution")]
    [InlineData("random")]
    public async Task The_shortlist_is_the_best_predicted_of_the_networks_the_agent_had_scored(string agentName)
    {
        var space = Space();
        ISearchAgent agent = agentName == "evolution" ? new EvolutionAgent(space, new() { Population = 8 }, 3) : new RandomChoiceAgent(space, 3);

        var (shortlist, predicted) = await PredictedSearch.RunAsync(agent, space, evaluations: 40, batchSize: 1, confirm: 5, alongFront: false, ["flops"], CancellationToken.None);

        Assert.Equal(40, predicted);
        Assert.Equal(5, shortlist.Count);
        var expected = _scored.OrderByDescending(p => p.Value.Accuracy).Take(5).Select(p => p.Key);
        Assert.Equal(expected, shortlist.Select(Key));
        Assert.All(shortlist, s => Assert.True(space.Allows(s.Choices)));
        Assert.Equal(shortlist.Select(s => _scored[Key(s)].Accuracy), shortlist.Select(s => s.PredictedAccuracy));
    }

    [Fact]
    public async Task For_nsga2_the_shortlist_spreads_along_the_predicted_front_from_its_cheapest_to_its_most_accurate_end()
    {
        var space = Space();
        var agent = new Nsga2Agent(space, 1, new() { Population = 8 }, 3);

        var (shortlist, _) = await PredictedSearch.RunAsync(agent, space, evaluations: 60, batchSize: 1, confirm: 4, alongFront: true, ["flops"], CancellationToken.None);

        var networks = _scored.ToList();
        var front = ParetoFront.Of([.. networks.Select(n => (n.Value.Accuracy, n.Value.Macs))]).Select(i => networks[i].Key).ToList();
        Assert.True(front.Count > 4, $"the made-up front has only {front.Count} points: the test needs a longer one");
        Assert.Equal(4, shortlist.Count);
        Assert.All(shortlist, s => Assert.Contains(Key(s), front));
        Assert.Contains(front[0], shortlist.Select(Key));
        Assert.Contains(front[^1], shortlist.Select(Key));
    }

    private string Key(Shortlisted s)
    {
        var subnets = new SubnetSpace(_layout);
        return ChoiceVector.Key(subnets.Encode(subnets.Canonical(subnets.Decode(s.Choices))));
    }
}
