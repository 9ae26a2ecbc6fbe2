using AutoDesign.Modeling.Data.Text;
using AutoDesign.Modeling.Torch;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Modeling.Training;

/// <summary>One stage of <see cref="LongContextTraining"/>: <paramref name="Steps"/> steps of <paramref name="BatchSize"/> windows of <paramref name="Context"/> tokens.</summary>
public sealed record ContextStage(int Context, int BatchSize, int Steps)
{
    /// <summary>Reads <c>CONTEXTxBATCH:STEPS</c>, e.g. <c>1024x8:300</c>.</summary>
    public static ContextStage Parse(string text)
    {
        var parts = text.Split('x', ':');
        if (parts.Length != 3 || !int.TryParse(parts[0], out int context) || !int.TryParse(parts[1], out int batch) || !int.TryParse(parts[2], out int steps)
            || context < 2 || batch < 1 || steps < 1)
            throw new FormatException($"'{text}' is not a stage: CONTEXTxBATCH:STEPS, e.g. 1024x8:300");
        return new ContextStage(context, batch, steps);
    }

    public override string ToString() => $"{Context}x{BatchSize}:{Steps}";
}

/// <summary>
/// Teaches a trained language model to retrieve over a longer context, in stages of growing context (as long-context
/// work extends a model step by step rather than at once): each stage moves the model to its context
/// (<see cref="ContextLength.Resize"/>) and fine-tunes it on the corpus mixed with passkey windows
/// (<see cref="PasskeyMixture"/>), with AdamW, a short warm-up and a cosine decay. The first stage can stay at the
/// model's own context: retrieval is learnt where steps are cheap, and the longer stages teach it the new positions.
/// </summary>
public sealed class LongContextTraining(ILogger logger)
{
    public double PasskeyShare { get; init; } = 0.5;

    public double LearningRate { get; init; } = 3e-4;

    public int Seed { get; init; } = 1;

    /// <summary>Runs the stages from <paramref name="start"/> (left as it is); <paramref name="afterStage"/> sees each stage's model, which the caller must not dispose; returns the last (the caller's).</summary>
    public SpecNetwork Train(SpecNetwork start, TextCorpus corpus, IReadOnlyList<ContextStage> stages, Action<ContextStage, SpecNetwork, IReadOnlyList<EpochReport>>? afterStage = null,
        CancellationToken cancellation = default)
    {
        if (stages.Count == 0) throw new ArgumentException("at least one stage is needed", nameof(stages));
        SpecNetwork? current = null;
        try
        {
            foreach (var stage in stages)
            {
                var next = ContextLength.Resize(current ?? start, stage.Context);
                current?.Dispose();
                current = next;
                // Epochs of about 100 steps that add up to the stage's steps exactly.
                int epochs = Enumerable.Range(1, Math.Max(1, stage.Steps / 100)).Last(e => stage.Steps % e == 0);
                var options = new TrainingOptions
                {
                    Epochs = epochs, StepsPerEpoch = stage.Steps / epochs, BatchSize = stage.BatchSize, Optimizer = OptimizerKind.AdamW,
                    LearningRate = LearningRate, WeightDecay = 0.1, WarmupSteps = Math.Min(20, stage.Steps / 10), Augment = false, Seed = Seed,
                };
                var mixture = new PasskeyMixture(corpus.Train, stage.Context, stage.BatchSize, PasskeyShare);
                logger.LogInformation("Stage {Stage}: {Steps} steps of {Batch} windows of {Context} tokens, {Share:P0} passkey windows", stage, stage.Steps,
                    stage.BatchSize, stage.Context, PasskeyShare);
                var history = new LanguageModelTrainer(logger).Train(current, corpus, options, cancellation: cancellation, batches: mixture.Batch);
                afterStage?.Invoke(stage, current, history);
            }
        }
        catch
        {
            current?.Dispose();
            throw;
        }
        return current!;
    }
}
