using AutoDesign.Search.Agents;

namespace AutoDesign.Search.Tests.Agents;

public class BaselineAgentTests
{
    [Fact]
    public void Uniform_finds_the_largest_common_action_that_needs_no_clipping()
    {
        var space = new ToySpace([0, 0, 0, 0], budget: 2.0);

        var candidate = new UniformAgent(space).Ask(1)[0];

        Assert.All(candidate.Actions, a => Assert.Equal(0.5, a, 6));
    }

    [Fact]
    public void Random_actions_are_projected_onto_the_constraint_and_reproducible()
    {
        var space = new ToySpace([0, 0, 0, 0], budget: 1.5);

        var first = new RandomAgent(space, seed: 5).Ask(50);
        var again = new RandomAgent(space, seed: 5).Ask(50);

        Assert.All(first, c => Assert.True(c.Actions.Sum() <= 1.5 + 1e-12));
        Assert.Equal(first.SelectMany(c => c.Actions), again.SelectMany(c => c.Actions));
        Assert.True(first.Select(c => c.Actions[0]).Distinct().Count() > 40);
    }

    [Fact]
    public void A_restored_random_agent_continues_its_sequence()
    {
        var space = new ToySpace([0, 0]);
        var agent = new RandomAgent(space, seed: 1);
        agent.Ask(3);
        var copy = new RandomAgent(space, seed: 2);
        copy.Restore(agent.Snapshot());

        Assert.Equal(agent.Ask(2).SelectMany(c => c.Actions), copy.Ask(2).SelectMany(c => c.Actions));
    }
}
