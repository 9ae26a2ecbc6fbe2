using AutoDesign.Modeling;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Agents.Evolution;
using AutoDesign.Search.Architecture;
using AutoDesign.Search.Spaces;

namespace AutoDesign.Search.Tests.Spaces;

/// <summary>Evolution on a ladder space: it proposes only policies within the budget, as ladder actions the job understands.</summary>
public class LadderChoicesTests
{
    // Six steps of three rungs; the top rung costs 2, the middle 1, the bottom 0: at most 12, the budget 5.
    private static LadderSpace Ladders() => new(
        [.. Enumerable.Range(0, 6).Select(i => new LadderStep($"step{i}", ["dense", "half", "sparse"], [i]))],
        rungs => rungs.Sum(r => 2.0 - r), referenceCost: 12, budget: 5);

    [Fact]
    public void A_vector_over_the_budget_is_repaired_as_the_ladder_space_repairs_an_episode_and_a_tight_budget_still_samples()
    {
        var choices = new LadderChoices(Ladders());

        Assert.False(choices.Allows([0, 0, 0, 0, 0, 0]));
        // Sweeps from the last step back, one rung each: 12 -> 6, then the last step once more -> 5.
        Assert.Equal([1, 1, 1, 1, 1, 2], choices.Repair([0, 0, 0, 0, 0, 0], new SplitMix64(1))!);
        int[] episode = [0, 0, 0, 0, 0, 0];
        Assert.True(choices.Ladders.Repair(episode));
        Assert.Equal([1, 1, 1, 1, 1, 2], episode);
        Assert.Equal([2, 2, 2, 2, 2, 1], choices.Repair([2, 2, 2, 2, 2, 1], new SplitMix64(1))!); // already within
        Assert.Null(choices.Repair([0, 0, 3, 0, 0, 0], new SplitMix64(1))); // no such rung
        Assert.Equal(["dense", "half", "sparse"], choices.Decisions[4].Choices.Select(c => c.Label));

        // A budget a uniform draw almost never meets (1 of 12) is still sampled: drawn, then repaired.
        var tight = new LadderChoices(new LadderSpace(
            [.. Enumerable.Range(0, 6).Select(i => new LadderStep($"step{i}", ["dense", "half", "sparse"], [i]))], r => r.Sum(x => 2.0 - x), 12, budget: 1));
        var random = new SplitMix64(3);
        Assert.All(Enumerable.Range(0, 20).Select(_ => tight.Sample(random)), s => Assert.True(tight.Allows(s)));
    }

    [Fact]
    public void Evolution_proposes_ladder_actions_within_the_budget_and_learns_from_their_rewards()
    {
        var ladders = Ladders();
        var agent = SearchAgents.Create("evolution", ladders, new AgentSettings(7) { Evolution = new EvolutionOptions { Population = 8 } });
        Assert.IsType<LadderAgent>(agent);
        int[] wanted = [2, 0, 2, 1, 2, 2]; // cost 5: the best policy within the budget
        double Reward(IReadOnlyList<int> rungs) => -rungs.Zip(wanted, (r, w) => Math.Abs(r - w)).Sum();

        var best = new List<double>(); // each generation's best
        for (int generation = 0; generation < 8; generation++)
        {
            var asked = agent.Ask(8);
            var rungs = asked.Select(c => ladders.RungsFor(c.Actions)).ToList();
            Assert.All(rungs, r => Assert.True(ladders.CostOf(r) <= 5));
            Assert.All(asked, c => Assert.All(c.Actions, a => Assert.InRange(a, 0, 1)));
            agent.Tell([.. asked.Zip(rungs, (c, r) => new Scored(c, Reward(r)))]);
            best.Add(rungs.Max(Reward));
        }

        Assert.True(best[0] < 0); // the first, random generation missed it
        Assert.Equal(0, best.Max()); // and evolution found it
    }
}
