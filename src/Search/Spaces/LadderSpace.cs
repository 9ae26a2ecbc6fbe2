using AutoDesign.Search.Agents;

namespace AutoDesign.Search.Spaces;

/// <summary>One decision of a <see cref="LadderSpace"/>: what it is about, its choices (most costly first), and its features before scaling.</summary>
public sealed record LadderStep(string Name, IReadOnlyList<string> Ladder, double[] Row);

/// <summary>
/// HAQ's environment over ladders: one step per decision, each a ladder of choices, most costly first; an action in
/// [0, 1] picks a rung (1 the top). Each step observes its features scaled to [0, 1] and the previous action. When a
/// finished policy exceeds the budget, steps walk down their ladders from the last back, one rung at a time, until it
/// fits; the constructor refuses a budget that even the bottom rungs cannot meet. Serving formats per layer and
/// attention patterns per head are both such spaces.
/// </summary>
public class LadderSpace : ISequentialSpace
{
    private readonly IReadOnlyList<LadderStep> _steps;
    private readonly float[][] _features;
    private readonly Func<IReadOnlyList<int>, double> _cost;

    /// <param name="cost">The cost of one rung per step (0: the top of each ladder).</param>
    /// <param name="referenceCost">What a ratio budget refers to.</param>
    public LadderSpace(IReadOnlyList<LadderStep> steps, Func<IReadOnlyList<int>, double> cost, double referenceCost, double? budget)
    {
        if (steps.FirstOrDefault(s => s.Ladder.Count == 0) is { } empty) throw new ArgumentException($"'{empty.Name}' has nothing to choose from", nameof(steps));
        _steps = steps;
        _cost = cost;
        _features = FeatureScaling.MinMax([.. steps.Select(s => s.Row)]);
        Budget = budget;
        ReferenceCost = referenceCost;
        MinimumCost = cost([.. steps.Select(s => s.Ladder.Count - 1)]);
        if (budget is { } limit && MinimumCost > limit)
            throw new ArgumentException($"the budget {limit:G4} ({limit / ReferenceCost:P1} of the reference) cannot be met: with every layer at the bottom of its ladder " +
                                        $"the model still costs {MinimumCost:G4} ({MinimumCost / ReferenceCost:P1})");
    }

    public double? Budget { get; }

    public double ReferenceCost { get; }

    public double MinimumCost { get; }

    public int Steps => _steps.Count;

    public int FeatureCount => (_steps.Count == 0 ? 0 : _steps[0].Row.Length) + 1;

    /// <summary>What each step decides, in order.</summary>
    public IReadOnlyList<string> Names => [.. _steps.Select(s => s.Name)];

    /// <summary>A step's choices, most costly first.</summary>
    public IReadOnlyList<string> Ladder(int step) => _steps[step].Ladder;

    /// <summary>The rung each action picks.</summary>
    public IReadOnlyList<int> RungsFor(IReadOnlyList<double> actions)
    {
        if (actions.Count != Steps) throw new ArgumentException($"expected {Steps} actions, got {actions.Count}");
        return [.. actions.Select((a, i) => Rung(a, _steps[i].Ladder.Count))];
    }

    /// <summary>The actions that pick the named choices, one per step.</summary>
    public IReadOnlyList<double> ActionsFor(IReadOnlyList<string> choices) =>
        [.. choices.Select((choice, i) => ActionOf(_steps[i].Ladder.ToList().IndexOf(choice), _steps[i].Ladder.Count))];

    public double CostOf(IReadOnlyList<int> rungs) => _cost(rungs);

    /// <summary>
    /// Brings rungs over the budget within it: sweeps from the last step back, each step one rung down, until the
    /// policy fits (every step at its bottom fits, as the constructor made sure). Returns whether anything moved.
    /// </summary>
    public bool Repair(int[] rungs)
    {
        if (Budget is not { } budget) return false;
        bool Fits() => CostOf(rungs) <= budget;
        bool moved = false;
        while (!Fits())
        {
            bool lowered = false;
            for (int i = rungs.Length - 1; i >= 0 && !Fits(); i--)
                if (rungs[i] < _steps[i].Ladder.Count - 1) { rungs[i]++; lowered = true; }
            if (!lowered) break;
            moved = true;
        }
        return moved;
    }

    public IEpisode Begin() => new Episode(this);

    /// <summary>Equal buckets of [0, 1], the top rung at 1.</summary>
    public static int Rung(double action, int rungs) =>
        rungs - 1 - Math.Clamp((int)Math.Floor(Math.Clamp(double.IsNaN(action) ? 0 : action, 0, 1) * rungs), 0, rungs - 1);

    /// <summary>The action at the centre of a rung's bucket.</summary>
    public static double ActionOf(int rung, int rungs) => (rungs - 1 - rung + 0.5) / rungs;

    private sealed class Episode(LadderSpace space) : IEpisode
    {
        private readonly int[] _rungs = new int[space.Steps];
        private double _previous = 1.0;

        public int Step { get; private set; }

        public bool Limited { get; private set; }

        public float[] Observe()
        {
            if (Step >= space.Steps) throw new InvalidOperationException("the episode is over");
            return [.. space._features[Step], (float)_previous];
        }

        public double Act(double action)
        {
            if (Step >= space.Steps) throw new InvalidOperationException("the episode is over");
            int rungs = space._steps[Step].Ladder.Count;
            _rungs[Step] = Rung(action, rungs);
            _previous = ActionOf(_rungs[Step], rungs);
            Step++;
            return _previous;
        }

        public IReadOnlyList<double> Finish()
        {
            if (Step != space.Steps) throw new InvalidOperationException($"the episode has {space.Steps - Step} steps left");
            Limited = space.Repair(_rungs);
            return [.. _rungs.Select((r, i) => ActionOf(r, space._steps[i].Ladder.Count))];
        }
    }
}
