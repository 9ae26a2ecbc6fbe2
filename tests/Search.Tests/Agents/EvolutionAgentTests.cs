using AutoDesign.Search.Agents;
using AutoDesign.Search.Agents.Evolution;
using AutoDesign.Search.Architecture;
using AutoDesign.Search.Tests.Architecture;

namespace AutoDesign.Search.Tests.Agents;

public class EvolutionAgentTests
{
    private static readonly EvolutionOptions Small = new() { Population = 40 };

    [Fact]
    public void Every_candidate_meets_the_constraint()
    {
        var space = FunctionSpace.Knapsack(budgetShare: 0.2);

        var proposed = Drive.Run(new EvolutionAgent(space, Small, seed: 1), space, 400);

        Assert.Equal(400, proposed.Count);
        Assert.All(proposed, c => Assert.True(space.Cost(c) <= space.MaxCost, $"cost {space.Cost(c)} over {space.MaxCost}"));
    }

    [Fact]
    public void Beats_random_search_at_equal_evaluations()
    {
        var space = FunctionSpace.Knapsack();
        double Mean(Func<int, ISearchAgent> create) =>
            Enumerable.Range(1, 5).Average(seed => Drive.Run(create(seed), space, 500).Max(space.Accuracy));

        double evolution = Mean(seed => new EvolutionAgent(space, Small, seed));
        double random = Mean(seed => new RandomChoiceAgent(space, seed));

        Assert.True(evolution > random, $"evolution {evolution:F4} vs random {random:F4}");
    }

    [Fact]
    public void Keeps_the_best_quarter_as_parents_and_breeds_the_rest()
    {
        var space = FunctionSpace.Knapsack();
        var agent = new EvolutionAgent(space, new EvolutionOptions { Population = 20 }, seed: 4);
        var first = agent.Ask(20);
        Assert.Empty(agent.Ask(1)); // the generation waits for its results
        agent.Tell(first.Select(c => new Scored(c, space.Accuracy(ChoiceVector.Of(c)))).ToList());

        var children = agent.Ask(100);

        Assert.Equal(15, children.Count); // 20 less the 5 parents, who are not evaluated again
        var best = first.Select(c => space.Accuracy(ChoiceVector.Of(c))).OrderDescending().Take(5);
        Assert.Equal(best, agent.Parents.Select(p => p.Reward));
        Assert.Equal(2, agent.Generation);
    }

    [Fact]
    public void A_restored_snapshot_continues_exactly_as_the_original()
    {
        var space = FunctionSpace.Knapsack();
        var original = new EvolutionAgent(space, Small, seed: 2);
        Drive.Run(original, space, 90);
        var pending = original.Ask(3); // asked, not yet told: part of the state too
        var copy = new EvolutionAgent(space, Small, seed: 77);
        copy.Restore(original.Snapshot());

        foreach (var agent in new[] { original, copy }) agent.Tell(pending.Select(c => new Scored(c, space.Accuracy(ChoiceVector.Of(c)))).ToList());
        var fromOriginal = Drive.Run(original, space, 100);
        var fromCopy = Drive.Run(copy, space, 100);

        Assert.Equal(fromOriginal.Select(ChoiceVector.Key), fromCopy.Select(ChoiceVector.Key));
        Assert.Equal(original.Snapshot(), copy.Snapshot());
    }

    [Fact]
    public void Bad_options_and_unknown_candidates_are_refused()
    {
        var space = FunctionSpace.Knapsack();
        Assert.Throws<ArgumentException>(() => new EvolutionAgent(space, new EvolutionOptions { ParentRatio = 0.6, MutationRatio = 0.5 }, 1));
        Assert.Throws<ArgumentException>(() => new EvolutionAgent(space, new EvolutionOptions { MutationProbability = 2 }, 1));
        var agent = new EvolutionAgent(space, Small, 1);
        Assert.Throws<ArgumentException>(() => agent.Tell([new Scored(ChoiceVector.ToCandidate(5, new int[12]), 0)]));
    }
}
