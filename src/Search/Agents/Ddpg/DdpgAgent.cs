using AutoDesign.Modeling.Torch;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoDesign.Search.Agents.Ddpg;

/// <summary>
/// Deep deterministic policy gradient over a <see cref="ISequentialSpace"/>, as AMC and HAQ use it: an episode walks
/// the layers; during warm-up its actions are uniformly random, afterwards they are the actor's output with truncated
/// normal noise whose spread decays per episode. Every step of an episode is stored with the episode's final reward;
/// after each episode past warm-up the critic and actor take one update per step on replayed batches, with rewards
/// measured against a moving-average baseline, and the target networks follow by soft updates.
/// </summary>
public sealed class DdpgAgent : ISearchAgent, IDisposable
{
    private const int SnapshotVersion = 1;

    private readonly ISequentialSpace _space;
    private readonly DdpgOptions _options;
    private readonly Actor _actor, _actorTarget;
    private readonly Critic _critic, _criticTarget;
    private readonly OptimizerHelper _actorOptimizer, _criticOptimizer;
    private readonly ReplayBuffer _replay;
    private readonly Dictionary<int, (float[][] States, double[] Actions)> _pending = [];
    private SplitMix64 _random;
    private double? _baseline;
    private int _nextId, _told;

    public DdpgAgent(ISequentialSpace space, DdpgOptions options)
    {
        if (options.LowestAction < 0 || options.HighestAction > 1 || options.LowestAction >= options.HighestAction)
            throw new ArgumentException($"actions must lie in [0, 1] with lowest < highest, got [{options.LowestAction}, {options.HighestAction}]");
        _space = space;
        _options = options;
        _random = new SplitMix64((ulong)options.Seed);
        _replay = new ReplayBuffer(options.ReplayCapacity);
        using (var _ = NewDisposeScope())
        {
            _actor = new Actor(space.FeatureCount, options.Hidden);
            _actorTarget = new Actor(space.FeatureCount, options.Hidden);
            _critic = new Critic(space.FeatureCount, options.Hidden);
            _criticTarget = new Critic(space.FeatureCount, options.Hidden);
        }
        var initial = new SplitMix64((ulong)options.Seed ^ 0x5EED);
        SeededInitialization.UniformFanIn(_actor, initial);
        SeededInitialization.UniformFanIn(_critic, initial);
        CopyInto(_actor, _actorTarget);
        CopyInto(_critic, _criticTarget);
        _actorOptimizer = optim.Adam(_actor.parameters(), options.ActorLearningRate);
        _criticOptimizer = optim.Adam(_critic.parameters(), options.CriticLearningRate);
    }

    public string Name => "ddpg";

    /// <summary>The exploration noise's standard deviation for an episode.</summary>
    public double NoiseFor(int episode) =>
        episode < _options.WarmupEpisodes ? double.NaN : _options.InitialNoise * Math.Pow(_options.NoiseDecay, episode - _options.WarmupEpisodes);

    /// <summary>The actor's action for a state, without noise.</summary>
    public double Policy(float[] state)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return _actor.forward(tensor(state).unsqueeze(0)).item<float>();
    }

    public IReadOnlyList<Candidate> Ask(int count)
    {
        var candidates = new List<Candidate>(count);
        for (int i = 0; i < count; i++)
        {
            int id = _nextId++;
            var episode = _space.Begin();
            var states = new float[_space.Steps][];
            var actions = new double[_space.Steps];
            for (int step = 0; step < _space.Steps; step++)
            {
                states[step] = episode.Observe();
                double chosen = Choose(id, states[step]);
                double taken = episode.Act(chosen);
                actions[step] = _options.ReplayTakenActions ? taken : chosen;
            }
            _pending[id] = (states, actions); // the agent learns from its own steps; the candidate is the space's final word
            candidates.Add(new Candidate(id, episode.Finish()));
        }
        return candidates;
    }

    public void Tell(IReadOnlyList<Scored> results)
    {
        foreach (var (candidate, reward) in results)
        {
            if (!_pending.Remove(candidate.Id, out var episode))
                throw new ArgumentException($"candidate {candidate.Id} was not asked for, or was told already");
            for (int step = 0; step < episode.States.Length; step++)
            {
                bool last = step == episode.States.Length - 1;
                var next = last ? new float[_space.FeatureCount] : episode.States[step + 1];
                _replay.Add(new Transition(episode.States[step], (float)episode.Actions[step], (float)reward, next, last));
            }
            if (candidate.Id >= _options.WarmupEpisodes)
                for (int step = 0; step < episode.States.Length; step++) Update();
            _told++;
        }
    }

    private double Choose(int episode, float[] state)
    {
        double low = _options.LowestAction, high = _options.HighestAction;
        if (episode < _options.WarmupEpisodes) return low + (high - low) * _random.NextDouble();
        return TruncatedNormal.Sample(_random, Policy(state), NoiseFor(episode), low, high);
    }

    private void Update()
    {
        if (_replay.Count < _options.BatchSize) return;
        using var scope = NewDisposeScope();
        var batch = _replay.Sample(_random, _options.BatchSize);
        var states = stack(batch.Select(t => tensor(t.State)));
        var actions = tensor(batch.Select(t => t.Action).ToArray()).unsqueeze(1);
        var nextStates = stack(batch.Select(t => tensor(t.NextState)));
        var notTerminal = tensor(batch.Select(t => t.Terminal ? 0f : 1f).ToArray()).unsqueeze(1);
        var rewards = batch.Select(t => (double)t.Reward).ToArray();

        double mean = rewards.Average();
        _baseline = _baseline is null ? mean : _baseline + _options.BaselineRate * (mean - _baseline.Value);
        var advantages = tensor(rewards.Select(r => (float)(r - _baseline.Value)).ToArray()).unsqueeze(1);

        Tensor target;
        using (no_grad())
            target = advantages + (float)_options.Discount * notTerminal * _criticTarget.forward(nextStates, _actorTarget.forward(nextStates));

        _criticOptimizer.zero_grad();
        nn.functional.mse_loss(_critic.forward(states, actions), target).backward();
        _criticOptimizer.step();

        _actorOptimizer.zero_grad();
        (-_critic.forward(states, _actor.forward(states)).mean()).backward();
        _actorOptimizer.step();

        SoftUpdate(_actor, _actorTarget);
        SoftUpdate(_critic, _criticTarget);
    }

    private void SoftUpdate(nn.Module source, nn.Module target)
    {
        using var noGrad = no_grad();
        var from = source.parameters().ToArray();
        var to = target.parameters().ToArray();
        for (int i = 0; i < from.Length; i++) to[i].mul_(1 - _options.Tau).add_(from[i], alpha: _options.Tau);
    }

    private static void CopyInto(nn.Module source, nn.Module target)
    {
        using var noGrad = no_grad();
        var from = source.parameters().ToArray();
        var to = target.parameters().ToArray();
        for (int i = 0; i < from.Length; i++) to[i].copy_(from[i]);
    }

    public byte[] Snapshot()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(SnapshotVersion);
            writer.Write(_nextId);
            writer.Write(_told);
            writer.Write(_random.State);
            writer.Write(_baseline.HasValue);
            writer.Write(_baseline ?? 0);
            writer.Write(_replay.Count);
            writer.Write(_replay.NextSlot);
            foreach (var t in _replay.Items)
            {
                WriteFloats(writer, t.State);
                writer.Write(t.Action);
                writer.Write(t.Reward);
                WriteFloats(writer, t.NextState);
                writer.Write(t.Terminal);
            }
            writer.Write(_pending.Count);
            foreach (var (id, (states, actions)) in _pending.OrderBy(p => p.Key))
            {
                writer.Write(id);
                writer.Write(states.Length);
                foreach (var s in states) WriteFloats(writer, s);
                foreach (var a in actions) writer.Write(a);
            }
            _actor.save(writer);
            _actorTarget.save(writer);
            _critic.save(writer);
            _criticTarget.save(writer);
            _actorOptimizer.save_state_dict(writer);
            _criticOptimizer.save_state_dict(writer);
        }
        return stream.ToArray();
    }

    public void Restore(byte[] snapshot)
    {
        using var reader = new BinaryReader(new MemoryStream(snapshot));
        int version = reader.ReadInt32();
        if (version != SnapshotVersion) throw new InvalidDataException($"DDPG snapshot version {version} is not {SnapshotVersion}");
        _nextId = reader.ReadInt32();
        _told = reader.ReadInt32();
        _random = new SplitMix64(reader.ReadUInt64());
        bool hasBaseline = reader.ReadBoolean();
        double baseline = reader.ReadDouble();
        _baseline = hasBaseline ? baseline : null;
        int count = reader.ReadInt32();
        int next = reader.ReadInt32();
        var items = new List<Transition>(count);
        for (int i = 0; i < count; i++)
            items.Add(new Transition(ReadFloats(reader), reader.ReadSingle(), reader.ReadSingle(), ReadFloats(reader), reader.ReadBoolean()));
        _replay.Load(items, next);
        _pending.Clear();
        int pending = reader.ReadInt32();
        for (int p = 0; p < pending; p++)
        {
            int id = reader.ReadInt32();
            int steps = reader.ReadInt32();
            var states = Enumerable.Range(0, steps).Select(_ => ReadFloats(reader)).ToArray();
            var actions = Enumerable.Range(0, steps).Select(_ => reader.ReadDouble()).ToArray();
            _pending[id] = (states, actions);
        }
        _actor.load(reader);
        _actorTarget.load(reader);
        _critic.load(reader);
        _criticTarget.load(reader);
        _actorOptimizer.load_state_dict(reader);
        _criticOptimizer.load_state_dict(reader);
    }

    private static void WriteFloats(BinaryWriter writer, float[] values)
    {
        writer.Write(values.Length);
        foreach (var v in values) writer.Write(v);
    }

    private static float[] ReadFloats(BinaryReader reader) =>
        Enumerable.Range(0, reader.ReadInt32()).Select(_ => reader.ReadSingle()).ToArray();

    public void Dispose()
    {
        _actor.Dispose();
        _actorTarget.Dispose();
        _critic.Dispose();
        _criticTarget.Dispose();
        _actorOptimizer.Dispose();
        _criticOptimizer.Dispose();
    }
}
