namespace AutoDesign.Search.Agents;

/// <summary>
/// A decision made step by step (one step per layer, as in AMC and HAQ): at each step the agent observes a
/// feature vector in [0, 1] and chooses an action in [0, 1]; the space may change the action (to keep the whole
/// policy within its constraint) and says which one was taken.
/// </summary>
public interface ISequentialSpace
{
    int Steps { get; }

    int FeatureCount { get; }

    IEpisode Begin();
}

public interface IEpisode
{
    /// <summary>The next step's index; equals <see cref="ISequentialSpace.Steps"/> when the episode is over.</summary>
    int Step { get; }

    /// <summary>The state at the current step, each feature in [0, 1].</summary>
    float[] Observe();

    /// <summary>Applies an action at the current step and returns the action taken after the space's rule.</summary>
    double Act(double action);

    /// <summary>True once the constraint rule (not mere rounding) has had to lower an action in this episode.</summary>
    bool Limited { get; }

    /// <summary>
    /// Ends the episode and returns every step's final action. A space may revise earlier actions here (HAQ lowers
    /// bit-widths from the last layer back until the budget holds); the agent's candidate carries these.
    /// </summary>
    IReadOnlyList<double> Finish();
}
