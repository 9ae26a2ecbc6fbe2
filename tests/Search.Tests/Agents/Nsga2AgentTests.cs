using AutoDesign.Search.Agents;
using AutoDesign.Search.Agents.Nsga2;
using AutoDesign.Search.Architecture;
using AutoDesign.Search.Pareto;
using AutoDesign.Search.Tests.Architecture;

namespace AutoDesign.Search.Tests.Agents;

public class Nsga2AgentTests
{
    private static readonly Nsga2Options Options = new() { Population = 40 };

    private static HashSet<string> TrueFront(FunctionSpace space)
    {
        var all = space.All().ToList();
        var front = ParetoFront.Of(all.Select(c => (space.Accuracy(c), space.Cost(c))).ToList());
        return front.Select(i => ChoiceVector.Key(all[i])).ToHashSet();
    }

    [Fact]
    public void Finds_most_of_a_known_front_and_its_hypervolume_grows()
    {
        var space = FunctionSpace.KnownFront();
        var front = TrueFront(space);
        Assert.Equal(11, front.Count);
        var agent = new Nsga2Agent(space, costs: 1, Options, seed: 1);

        var found = Drive.Run(agent, space, 800, withCost: true).Select(ChoiceVector.Key).Where(front.Contains).Count();
        var byRandom = Drive.Run(new RandomChoiceAgent(space, 1), space, 800).Select(ChoiceVector.Key).Where(front.Contains).Count();

        Assert.True(found >= 9, $"NSGA-II found {found} of the 11 front points (random {byRandom})");
        Assert.True(found > byRandom, $"NSGA-II {found} vs random {byRandom}");
        var volumes = agent.Hypervolumes;
        Assert.True(volumes.Count >= 10);
        Assert.All(volumes.Zip(volumes.Skip(1)), pair => Assert.True(pair.Second >= pair.First));
        Assert.True(volumes[^1] > volumes[0] * 1.2, $"hypervolume {volumes[0]:F4} -> {volumes[^1]:F4}");
    }

    [Fact]
    public void The_front_it_returns_is_non_dominated_among_everything_told()
    {
        var space = FunctionSpace.Knapsack();
        var agent = new Nsga2Agent(space, 1, Options, seed: 3);
        var told = Drive.Run(agent, space, 300, withCost: true).Select(c => Dominance.Minimised(space.Accuracy(c), [space.Cost(c)])).ToList();

        Assert.NotEmpty(agent.Front);
        foreach (var point in agent.Front) Assert.DoesNotContain(told, t => Dominance.Dominates(t, point.Values));
        foreach (var t in told) Assert.Contains(agent.Front, p => Dominance.Dominates(p.Values, t) || p.Values.SequenceEqual(t));
    }

    [Fact]
    public void A_restored_snapshot_continues_exactly_as_the_original()
    {
        var space = FunctionSpace.KnownFront();
        var original = new Nsga2Agent(space, 1, Options, seed: 2);
        Drive.Run(original, space, 130, withCost: true);
        var pending = original.Ask(2);
        var copy = new Nsga2Agent(space, 1, Options, seed: 9);
        copy.Restore(original.Snapshot());

        foreach (var agent in new[] { original, copy })
            agent.Tell(pending.Select(c => new Scored(c, space.Accuracy(ChoiceVector.Of(c)), [space.Cost(ChoiceVector.Of(c))])).ToList());
        var fromOriginal = Drive.Run(original, space, 100, withCost: true);
        var fromCopy = Drive.Run(copy, space, 100, withCost: true);

        Assert.Equal(fromOriginal.Select(ChoiceVector.Key), fromCopy.Select(ChoiceVector.Key));
        Assert.Equal(original.Hypervolumes, copy.Hypervolumes);
        Assert.Equal(original.Snapshot(), copy.Snapshot());
    }

    [Fact]
    public void Results_without_the_costs_it_was_built_for_are_refused()
    {
        var space = FunctionSpace.KnownFront();
        var agent = new Nsga2Agent(space, 1, Options, seed: 1);
        var candidate = agent.Ask(1)[0];
        Assert.Throws<ArgumentException>(() => agent.Tell([new Scored(candidate, 0.5)]));
    }
}
