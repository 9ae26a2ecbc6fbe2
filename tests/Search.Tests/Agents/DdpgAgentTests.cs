using AutoDesign.Search.Agents;
using AutoDesign.Search.Agents.Ddpg;

namespace AutoDesign.Search.Tests.Agents;

public class DdpgAgentTests
{
    private static readonly DdpgOptions Options = new() { WarmupEpisodes = 20, Hidden = 64, BatchSize = 32, ReplayCapacity = 1000, NoiseDecay = 0.97, Seed = 3 };

    private static void Run(ISearchAgent agent, ToySpace space, int episodes)
    {
        for (int e = 0; e < episodes; e++)
        {
            var candidate = agent.Ask(1)[0];
            agent.Tell([new Scored(candidate, space.Reward(candidate.Actions))]);
        }
    }

    [Fact]
    public void Learns_the_known_optimum_of_a_toy_problem()
    {
        var space = new ToySpace([0.7, 0.7, 0.7, 0.7]);
        using var agent = new DdpgAgent(space, Options);

        Run(agent, space, 400);

        var episode = space.Begin();
        var greedy = new List<double>();
        for (int step = 0; step < space.Steps; step++) greedy.Add(episode.Act(agent.Policy(episode.Observe())));
        Assert.All(greedy, a => Assert.InRange(a, 0.6, 0.8));

        var random = new RandomAgent(space, seed: 3);
        var randomBest = random.Ask(400).Max(c => space.Reward(c.Actions)); // as many evaluations as DDPG had
        Assert.True(space.Reward(greedy) > randomBest, $"greedy {space.Reward(greedy):F4} vs best of 400 random {randomBest:F4}");
    }

    [Theory]
    [InlineData(null, true)]  // the space takes every action as chosen: nothing to tell the two apart
    [InlineData(1.0, false)]  // a budget clips later steps: the replay holds different actions
    public void The_replay_holds_the_actors_output_or_the_action_taken_as_told(double? budget, bool same)
    {
        var space = new ToySpace([0.7, 0.7, 0.7, 0.7], budget);
        using var raw = new DdpgAgent(space, Options with { ReplayTakenActions = false });
        using var taken = new DdpgAgent(space, Options with { ReplayTakenActions = true });

        Run(raw, space, 60);
        Run(taken, space, 60);

        Assert.Equal(same, raw.Snapshot().AsSpan().SequenceEqual(taken.Snapshot()));
    }

    [Fact]
    public void Exploration_noise_decays_after_warm_up()
    {
        using var agent = new DdpgAgent(new ToySpace([0.5]), Options);
        Assert.True(double.IsNaN(agent.NoiseFor(19)));
        Assert.Equal(0.5, agent.NoiseFor(20), 12);
        Assert.Equal(0.5 * 0.97 * 0.97, agent.NoiseFor(22), 12);
    }

    [Fact]
    public void A_restored_snapshot_continues_exactly_as_the_original()
    {
        var space = new ToySpace([0.2, 0.9, 0.5]);
        using var original = new DdpgAgent(space, Options);
        Run(original, space, 40);
        var pending = original.Ask(2); // asked, not yet told: part of the state too
        var snapshot = original.Snapshot();

        using var restored = new DdpgAgent(space, Options with { Seed = 99 });
        restored.Restore(snapshot);
        foreach (var agent in new[] { original, restored })
            agent.Tell(pending.Select(c => new Scored(c, space.Reward(c.Actions))).ToList());
        var fromOriginal = new List<IReadOnlyList<double>>();
        var fromRestored = new List<IReadOnlyList<double>>();
        for (int e = 0; e < 15; e++)
        {
            foreach (var (agent, log) in new[] { (original, fromOriginal), (restored, fromRestored) })
            {
                var candidate = agent.Ask(1)[0];
                agent.Tell([new Scored(candidate, space.Reward(candidate.Actions))]);
                log.Add(candidate.Actions);
            }
        }

        Assert.Equal(fromOriginal.SelectMany(a => a), fromRestored.SelectMany(a => a));
    }

    [Fact]
    public void Telling_an_unknown_candidate_is_refused()
    {
        using var agent = new DdpgAgent(new ToySpace([0.5]), Options);
        Assert.Throws<ArgumentException>(() => agent.Tell([new Scored(new Candidate(7, [0.5]), 0)]));
    }
}
