using AutoDesign.Search.Agents;

namespace AutoDesign.Search.Tests.Agents;

/// <summary>
/// A sequential space with a known optimum: the reward is minus the squared distance of each step's action from
/// <see cref="Targets"/>. Optionally a budget caps the sum of actions, clipping the last steps as a constraint rule would.
/// </summary>
internal sealed class ToySpace(double[] targets, double? budget = null) : ISequentialSpace
{
    public double[] Targets { get; } = targets;

    public double? Budget { get; } = budget;

    public int Steps => Targets.Length;

    public int FeatureCount => 2;

    public IEpisode Begin() => new Episode(this);

    public double Reward(IReadOnlyList<double> actions) => -actions.Select((a, i) => (a - Targets[i]) * (a - Targets[i])).Sum();

    private sealed class Episode(ToySpace space) : IEpisode
    {
        private double _previous, _sum;
        private readonly List<double> _taken = [];

        public int Step { get; private set; }

        public bool Limited { get; private set; }

        public float[] Observe() => [(float)Step / Math.Max(1, space.Steps - 1), (float)_previous];

        public double Act(double action)
        {
            if (space.Budget is { } cap && _sum + action > cap)
            {
                action = Math.Max(0, cap - _sum);
                Limited = true;
            }
            _sum += action;
            _previous = action;
            _taken.Add(action);
            Step++;
            return action;
        }

        public IReadOnlyList<double> Finish() => _taken;
    }
}
