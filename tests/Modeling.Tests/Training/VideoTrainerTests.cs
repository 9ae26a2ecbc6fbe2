using AutoDesign.Modeling.Data.Video;
using AutoDesign.Modeling.Tests.Data;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Modeling.Zoo;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Training;

/// <summary>Next-frame training: batches split a clip into its frames but the last and the last; training resumes; scores are per pixel.</summary>
public class VideoTrainerTests
{
    [Fact]
    public void A_batch_reads_the_frames_but_the_last_and_targets_the_last()
    {
        var video = TinyDigits.Video();
        var (inputs, targets) = NextFrameBatches.Batch(video.Train, [2, 5], 4);
        var frames = video.Train.Batch([2, 5]);

        Assert.Equal(new long[] { 2, 16, 3, 16 }, inputs.shape);
        Assert.True(PatchLayout.FromPatches(inputs, 4).equal(frames.narrow(1, 0, 3)).all().item<bool>());
        Assert.True(PatchLayout.FromPatches(targets, 4).equal(frames.narrow(1, 3, 1)).all().item<bool>());
    }

    [Fact]
    public void Copying_the_last_frame_scores_as_the_baseline_and_a_perfect_prediction_scores_zero()
    {
        var video = TinyDigits.Video();
        var copy = VideoEvaluation.Of(x => x.narrow(2, x.shape[2] - 1, 1), video.Test, 6, 4, batchSize: 4);
        Assert.Equal(copy.CopyLastError, copy.Error, 9);
        Assert.True(copy.Error > 0);

        var frames = video.Test.Batch(NextFrameBatches.Range(0, 6));
        double expected = (frames.narrow(1, 3, 1) - frames.narrow(1, 2, 1)).square().mean().item<float>();
        Assert.Equal(expected, copy.CopyLastError, 6);

        int next = 0;
        var perfect = VideoEvaluation.Of(_ => NextFrameBatches.Batch(video.Test, NextFrameBatches.Range(next++, 1), 4).Targets, video.Test, 6, 4, batchSize: 1);
        Assert.Equal(0, perfect.Error, 9);
    }

    [Fact]
    public void Training_lowers_the_loss_reports_the_validation_error_and_resumes_after_the_last_epoch()
    {
        var video = TinyDigits.Video();
        var spec = ModelZoo.Create("video-transformer-d0.25", video.Info.Shape, video.Info.Classes);
        var options = new TrainingOptions { Epochs = 2, StepsPerEpoch = 6, BatchSize = 4, Optimizer = OptimizerKind.AdamW, LearningRate = 3e-3, WeightDecay = 0, Augment = false };
        string checkpoint = Path.Combine(Path.GetTempPath(), $"video-trainer-{Guid.NewGuid():N}");
        try
        {
            manual_seed(1);
            using var network = new SpecNetwork(spec);
            var history = new VideoTrainer(NullLogger.Instance).Train(network, video, options, checkpoint);
            Assert.Equal(2, history.Count);
            Assert.True(history[1].TrainLoss < history[0].TrainLoss, $"loss {history[0].TrainLoss} then {history[1].TrainLoss}");
            Assert.All(history, h => Assert.True(h.ValidationError is > 0 and < 1));

            using var resumed = new SpecNetwork(spec);
            var more = new VideoTrainer(NullLogger.Instance).Train(resumed, video, options with { Epochs = 3 }, checkpoint);
            Assert.Equal(3, more.Count);
            Assert.Equal(history[1].TrainLoss, more[1].TrainLoss);
        }
        finally
        {
            if (Directory.Exists(checkpoint)) Directory.Delete(checkpoint, recursive: true);
        }
    }

    [Fact]
    public void A_model_that_does_not_read_the_clips_or_an_epoch_without_steps_is_refused()
    {
        var video = TinyDigits.Video();
        using var other = new SpecNetwork(ModelZoo.Create("video-transformer-d0.25", AutoDesign.Modeling.Specs.InputSpec.Video(2, 16, 4), 16));
        var options = new TrainingOptions { Epochs = 1, StepsPerEpoch = 1, BatchSize = 2 };
        Assert.Equal("network", Assert.Throws<ArgumentException>(() => new VideoTrainer(NullLogger.Instance).Train(other, video, options)).ParamName);
        using var network = new SpecNetwork(ModelZoo.Create("video-transformer-d0.25", video.Info.Shape, 16));
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => new VideoTrainer(NullLogger.Instance).Train(network, video, options with { StepsPerEpoch = 0 })).ParamName);
    }
}
