using System.Diagnostics;
using System.Text.Json;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Training;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// Trains a <see cref="SuperNetwork"/> by progressive shrinking (Cai et al., Once-for-All, 2020): the largest
/// sub-network first, then sampled sub-networks with elastic kernels, then also elastic depth, then also elastic
/// expansion (after sorting hidden channels by importance). With a checkpoint folder, weights, optimizer state and
/// history are saved after every epoch and a later call continues after the last saved epoch with the same
/// batches and samples an uninterrupted run would have drawn: every epoch's shuffle, augmentation and sub-network
/// samples come from a generator seeded by (seed, phase, epoch).
/// </summary>
public sealed class ProgressiveShrinking(ILogger logger)
{
    private const string StateFile = "progress.json", WeightsFile = "weights.dat", OptimizerFile = "optimizer.dat";

    /// <summary>The full network as the full phase left it: the distillation teacher of the later phases.</summary>
    public const string TeacherFile = "teacher.dat";

    private sealed record SavedProgress(SupernetLayout Layout, ShrinkingOptions Options, List<ShrinkingEpochReport> History);


    public IReadOnlyList<ShrinkingEpochReport> Train(
        SuperNetwork network,
        Dataset data,
        ShrinkingOptions options,
        string? checkpointDirectory = null,
        Action<ShrinkingEpochReport>? onEpoch = null,
        CancellationToken cancellation = default)
    {
        if (options.Problem() is { } problem) throw new ArgumentException(problem, nameof(options));
        if (network.Layout.Input != data.Info.Shape || network.Layout.Classes != data.Info.Classes)
            throw new ArgumentException($"the super-network takes {network.Layout.Input} inputs and {network.Layout.Classes} classes; " +
                                        $"data set '{data.Info.Name}' has {data.Info.Shape} and {data.Info.Classes}");
        var trainSet = options.TrainLimit > 0 ? data.Train.Sample(options.TrainLimit) : data.Train;
        using var train = new BatchSource(trainSet, data.Mean, data.Std);
        using var evaluator = new SubnetEvaluator(data, options.ValidationLimit, options.RecalibrationImages);

        var history = new List<ShrinkingEpochReport>();
        if (checkpointDirectory is not null && TryResume(network, options, checkpointDirectory) is { } resumed)
        {
            history = resumed.History;
            logger.LogInformation("Resuming progressive shrinking after {Phase} epoch {Epoch} from {Directory}",
                history[^1].Phase, history[^1].Epoch, checkpointDirectory);
        }

        SuperNetwork? teacher = null;
        using var model = options.TeacherModel is { } path ? LoadTeacherModel(path, data) : null;
        try
        {
            foreach (var phase in ShrinkingPhases.InOrder)
            {
                var settings = options[phase];
                int done = history.Count(h => h.Phase == phase);
                if (done >= settings.Epochs) continue;
                if (settings.Distillation > 0 && phase != ShrinkingPhase.Full && teacher is null)
                    teacher = LoadTeacher(network, checkpointDirectory);
                if (phase is ShrinkingPhase.ElasticExpansionNarrow or ShrinkingPhase.ElasticExpansion && done == 0)
                {
                    // After a narrow step, the channels it trained stay in front: only their order within their band changes.
                    var layout = network.Layout;
                    int[] kept = phase == ShrinkingPhase.ElasticExpansion && options.ElasticExpansionNarrow.Epochs > 0 && layout.Expansions.Count > 1
                        ? [layout.Expansions[^2]] : [];
                    logger.LogInformation("Sorting hidden channels by importance before the {Phase} phase{Banded}", phase,
                        kept.Length > 0 ? $", keeping the first {kept[0]}x in front" : "");
                    network.SortHiddenChannels(kept);
                }
                using var optimizer = Optimizer(network, settings.LearningRate, options);
                if (done > 0 && checkpointDirectory is not null) optimizer.load_state_dict(Path.Combine(checkpointDirectory, OptimizerFile));

                for (int epoch = done + 1; epoch <= settings.Epochs; epoch++)
                {
                    var report = RunEpoch(network, teacher, model, phase, epoch, settings, options, train, data, evaluator, optimizer, cancellation);
                    history.Add(report);
                    if (checkpointDirectory is not null)
                    {
                        bool teacherReady = phase == ShrinkingPhase.Full && epoch == settings.Epochs;
                        SaveCheckpoint(network, optimizer, checkpointDirectory, new SavedProgress(network.Layout, options, history), teacherReady);
                    }
                    logger.LogInformation(
                        "Progressive shrinking, {Phase} epoch {Epoch}/{Epochs}: loss {Loss:F4}, largest {Largest:P2}, smallest {Smallest:P2} ({Seconds:F0} s)",
                        phase, epoch, settings.Epochs, report.TrainLoss, report.LargestAccuracy, report.SmallestAccuracy, report.Seconds);
                    onEpoch?.Invoke(report);
                }
            }
        }
        finally
        {
            teacher?.Dispose();
        }
        network.Select(network.Space.Largest);
        network.eval();
        return history;
    }

    /// <summary>SGD with Nesterov momentum; without <see cref="ShrinkingOptions.DecayNormsAndBiases"/>, one-dimensional parameters (batch-norm weights, biases) are not decayed.</summary>
    private static TorchSharp.Modules.SGD Optimizer(SuperNetwork network, double learningRate, ShrinkingOptions options)
    {
        bool nesterov = options.Momentum > 0;
        if (options.DecayNormsAndBiases)
            return optim.SGD(network.parameters(), learningRate, momentum: options.Momentum, weight_decay: options.WeightDecay, nesterov: nesterov);
        var parameters = network.parameters().ToList();
        TorchSharp.Modules.SGD.ParamGroup Group(IEnumerable<TorchSharp.Modules.Parameter> members, double decay) =>
            new(members, new TorchSharp.Modules.SGD.Options { LearningRate = learningRate, momentum = options.Momentum, weight_decay = decay, nesterov = nesterov });
        return optim.SGD([Group(parameters.Where(p => p.dim() > 1), options.WeightDecay), Group(parameters.Where(p => p.dim() <= 1), 0)],
            learningRate, momentum: options.Momentum, weight_decay: options.WeightDecay, nesterov: nesterov);
    }

    /// <summary>A trained model that teaches besides the full network: it must read the images as the super-network does.</summary>
    private static Torch.SpecNetwork LoadTeacherModel(string directory, Dataset data)
    {
        var saved = Checkpoints.SavedModel.Load(directory);
        if (saved.Card.Dataset != data.Info.Name || !saved.Card.Mean.SequenceEqual(data.Mean) || !saved.Card.Std.SequenceEqual(data.Std))
            throw new ArgumentException($"the teacher model in {directory} was trained on {saved.Card.Dataset}, not on {data.Info.Name} as normalised here");
        var network = saved.CreateNetwork();
        network.eval();
        return network;
    }

    private ShrinkingEpochReport RunEpoch(SuperNetwork network, SuperNetwork? teacher, Torch.SpecNetwork? model, ShrinkingPhase phase, int epoch, PhaseOptions settings,
        ShrinkingOptions options, BatchSource train, Dataset data, SubnetEvaluator evaluator, TorchSharp.Modules.OptimizerHelper optimizer, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var random = new SplitMix64(((ulong)options.Seed << 32) ^ ((ulong)phase << 16) ^ (ulong)epoch);
        var order = random.Permutation(train.Count);
        var augmentation = options.Augment ? new Augmentation(Augmentation.PaddingFor(data.Info.Shape.Height), data.Info.Flippable, random) : null;
        var range = phase.Range(network.Layout);
        int batches = (train.Count + options.BatchSize - 1) / options.BatchSize;
        long totalSteps = (long)batches * settings.Epochs;
        double distillation = teacher is null ? 0 : settings.Distillation;
        double modelDistillation = model is null || phase == ShrinkingPhase.Full ? 0 : options.ModelDistillation, smoothing = options.LabelSmoothing;
        teacher?.train(options.TeacherUsesBatchStatistics);

        network.train();
        double lossSum = 0;
        for (int b = 0; b < batches; b++)
        {
            cancellation.ThrowIfCancellationRequested();
            double rate = settings.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * ((long)(epoch - 1) * batches + b) / totalSteps));
            foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;

            using var scope = NewDisposeScope();
            int start = b * options.BatchSize, count = Math.Min(options.BatchSize, train.Count - start);
            using var indices = tensor(order.AsSpan(start, count).ToArray().Select(i => (long)i).ToArray());
            var (images, labels) = train.Batch(indices, augmentation);
            Tensor? soft = null, modelSoft = null;
            if (teacher is not null && distillation > 0)
                using (no_grad()) soft = F.softmax(teacher.forward(images), 1);
            if (modelDistillation > 0)
                using (no_grad()) modelSoft = F.softmax(model!.forward(images), 1);

            // Gradients of unused weights stay unset (not zero), so neither momentum nor weight decay moves them.
            foreach (var parameter in network.parameters()) parameter.grad = null;
            for (int k = 0; k < settings.SubnetsPerStep; k++)
            {
                network.Select(phase == ShrinkingPhase.Full ? network.Space.Largest : network.Space.Sample(random, range));
                var logits = network.forward(images);
                var hard = F.cross_entropy(logits, labels);
                var logProbabilities = F.log_softmax(logits, 1);
                var loss = smoothing > 0 ? (1 - smoothing) * hard + smoothing * -logProbabilities.mean([1]).mean() : hard;
                if (soft is not null) loss += distillation * -(soft * logProbabilities).sum(1).mean();
                if (modelSoft is not null) loss += modelDistillation * -(modelSoft * logProbabilities).sum(1).mean();
                (loss / settings.SubnetsPerStep).backward();
                float value = hard.item<float>();
                if (!float.IsFinite(value))
                    throw new TrainingDivergedException($"progressive shrinking diverged in the {phase} phase, epoch {epoch} (loss {value}); lower its learning rate");
                lossSum += value * count / settings.SubnetsPerStep;
            }
            optimizer.step();
        }

        var largest = evaluator.Evaluate(network, network.Space.Uniform(range.Kernels[^1], range.Expansions[^1], range.Depths[^1]));
        var smallest = evaluator.Evaluate(network, network.Space.Uniform(range.Kernels[0], range.Expansions[0], range.Depths[0]));
        network.Select(network.Space.Largest);
        return new ShrinkingEpochReport(phase, epoch, settings.Epochs, lossSum / train.Count, largest.Accuracy, smallest.Accuracy, clock.Elapsed.TotalSeconds);
    }

    private SuperNetwork LoadTeacher(SuperNetwork network, string? checkpointDirectory)
    {
        var teacher = new SuperNetwork(network.Layout);
        string? saved = checkpointDirectory is null ? null : Path.Combine(checkpointDirectory, TeacherFile);
        if (saved is not null && File.Exists(saved)) teacher.load(saved);
        else
        {
            logger.LogInformation("No teacher saved by a full phase; distilling from the network as it is now");
            using (no_grad()) teacher.load_state_dict(network.state_dict());
            if (saved is not null) // a resumed run must distil from the same teacher
            {
                Directory.CreateDirectory(checkpointDirectory!);
                teacher.save(saved);
            }
        }
        teacher.Select(teacher.Space.Largest);
        teacher.eval();
        return teacher;
    }

    private static void SaveCheckpoint(SuperNetwork network, TorchSharp.Modules.OptimizerHelper optimizer, string directory, SavedProgress progress, bool teacher)
    {
        Directory.CreateDirectory(directory);
        // Write everything beside the old checkpoint, then swap the progress file last: it names what is valid.
        network.save(Path.Combine(directory, WeightsFile + ".new"));
        optimizer.save_state_dict(Path.Combine(directory, OptimizerFile + ".new"));
        if (teacher) File.Copy(Path.Combine(directory, WeightsFile + ".new"), Path.Combine(directory, TeacherFile), overwrite: true);
        File.Move(Path.Combine(directory, WeightsFile + ".new"), Path.Combine(directory, WeightsFile), overwrite: true);
        File.Move(Path.Combine(directory, OptimizerFile + ".new"), Path.Combine(directory, OptimizerFile), overwrite: true);
        string state = Path.Combine(directory, StateFile);
        File.WriteAllText(state + ".new", JsonSerializer.Serialize(progress, AutoDesignJson.Options));
        File.Move(state + ".new", state, overwrite: true);
    }

    private static SavedProgress? TryResume(SuperNetwork network, ShrinkingOptions options, string directory)
    {
        string state = Path.Combine(directory, StateFile);
        if (!File.Exists(state)) return null;
        var saved = JsonSerializer.Deserialize<SavedProgress>(File.ReadAllText(state), AutoDesignJson.Options);
        if (saved is null || saved.History.Count == 0) return null;
        if (!saved.Layout.SameAs(network.Layout))
            throw new InvalidOperationException($"the checkpoint in {directory} belongs to a super-network of another layout");
        var started = saved.History.Select(h => h.Phase).ToHashSet();
        foreach (var phase in started)
            if (saved.Options[phase] != options[phase])
                throw new InvalidOperationException($"the checkpoint in {directory} ran the {phase} phase with other settings; continue it with the same ones or start afresh");
        if (Shared(saved.Options) != Shared(options))
            throw new InvalidOperationException($"the checkpoint in {directory} was trained with another batch size, optimizer, seed, augmentation or image limit");
        network.load(Path.Combine(directory, WeightsFile));
        return saved;
    }

    /// <summary>The settings every phase shares (what validation reports use is free to change).</summary>
    private static ShrinkingOptions Shared(ShrinkingOptions options) => options with
    {
        Full = new(), ElasticKernel = new(), ElasticDepth = new(), ElasticExpansion = new(), ValidationLimit = 0, RecalibrationImages = 1,
    };
}
