using AutoDesign.Modeling.Sparsity;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Zoo;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Zoo;

/// <summary>The video transformer predicts the next frame in patch layout, over positions that are frames by places.</summary>
public class VideoTransformerTests
{
    private static readonly InputSpec Clip = InputSpec.Video(3, 16, 4); // 3 frames of 4 x 4 patches of 4 x 4 pixels

    [Fact]
    public void It_predicts_the_next_frame_from_the_newest_frames_positions()
    {
        var spec = ModelZoo.Create("video-transformer-d0.5", Clip, 16);
        using var network = new SpecNetwork(spec);
        network.eval();
        using var noGrad = no_grad();
        var output = network.forward(rand(2, 16, 3, 16));

        Assert.Equal(new long[] { 2, 16, 1, 16 }, output.shape);
        Assert.True(output.min().item<float>() >= 0 && output.max().item<float>() <= 1, "the head's sigmoid gives pixels in [0, 1]");
        var attention = spec.Layers.Select((l, i) => (l, i)).Where(p => p.l.Op == LayerOp.Attention).ToList();
        Assert.Equal(2, attention.Count);
        Assert.All(attention, a => Assert.Equal(new TensorShape(64, 3, 16), network.Analysis.Layers[a.i].InputShape));
        Assert.All(attention, a => Assert.False(a.l.Causal));
        Assert.Equal(LayerOp.LastRow, spec.Layer("newest").Op);
        Assert.Equal(new TensorShape(64, 1, 16), network.Analysis["newest"].OutputShape);
    }

    [Fact]
    public void Spatial_heads_keep_each_frame_alone_and_temporal_heads_each_place()
    {
        var spec = ModelZoo.Create("video-transformer-d0.5", Clip, 16);
        using var network = new SpecNetwork(spec);
        network.eval();
        using var noGrad = no_grad();
        manual_seed(3);
        var clip = rand(1, 16, 3, 16);
        var earlierFrames = clip.clone();
        earlierFrames.narrow(2, 0, 2).add_(rand(1, 16, 2, 16)); // frames 0 and 1 change, the newest does not
        var onePlace = clip.clone();
        onePlace.narrow(3, 5, 1).add_(rand(1, 16, 3, 1)); // patch 5 changes in every frame

        Tensor Change(Tensor changed) => (network.forward(changed) - network.forward(clip)).abs().amax([0, 1, 2]); // per output patch
        var attention = spec.Layers.Where(l => l.Op == LayerOp.Attention).Select(l => l.Name).ToList();
        void All(HeadPattern pattern) => network.Sparsify(attention.ToDictionary(a => a, _ => (IReadOnlyList<HeadPattern>)[.. Enumerable.Repeat(pattern, 4)]));

        Assert.True(Change(earlierFrames).max().item<float>() > 1e-4, "dense heads read earlier frames");
        Assert.True(Change(onePlace).narrow(0, 0, 5).max().item<float>() > 1e-4, "dense heads read other places");
        All(new SpatialPattern());
        Assert.True(Change(earlierFrames).max().item<float>() < 1e-6, "spatial heads read only the query's own frame");
        All(new TemporalPattern());
        var change = Change(onePlace);
        Assert.True(change[5].item<float>() > 1e-4);
        Assert.True(cat([change.narrow(0, 0, 5), change.narrow(0, 6, 10)]).max().item<float>() < 1e-6, "temporal heads read only the query's own place");
    }

    [Fact]
    public void Bad_video_models_and_inputs_are_clear_errors()
    {
        Assert.Contains("video", Assert.Throws<ArgumentException>(() => ModelZoo.Create("video-transformer", new InputSpec(1, 28, 28), 10)).Message, StringComparison.Ordinal);
        Assert.Contains("16 pixels of each patch", Assert.Throws<ArgumentException>(() => ModelZoo.Create("video-transformer", Clip, 10)).Message, StringComparison.Ordinal);
        Assert.Equal("frames", Assert.Throws<ArgumentException>(() => InputSpec.Video(0, 16, 4)).ParamName);
        Assert.Equal("frameSize", Assert.Throws<ArgumentException>(() => InputSpec.Video(3, 18, 4)).ParamName);
        Assert.Equal("patch", Assert.Throws<ArgumentException>(() => InputSpec.Video(3, 16, 0)).ParamName);

        var spec = ModelZoo.Create("video-transformer-d0.25", Clip, 16);
        Assert.Equal("input.width", Assert.Throws<ModelSpecException>(() => (spec with { Input = new InputSpec(16, 3, 15) { Patch = 4 } }).Analyze()).Field);
        Assert.Equal("input.channels", Assert.Throws<ModelSpecException>(() => (spec with { Input = new InputSpec(9, 3, 16) { Patch = 4 } }).Analyze()).Field);
        var allFrames = spec with { Layers = [.. spec.Layers.Where(l => l.Op != LayerOp.LastRow)] };
        Assert.Contains("next frame", Assert.Throws<ModelSpecException>(() => allFrames.Analyze()).Reason, StringComparison.Ordinal);
        var rowOut = spec with { Layers = [.. spec.Layers.Select(l => l.Op == LayerOp.LastRow ? l with { Out = 3 } : l)] };
        Assert.EndsWith(".out", Assert.Throws<ModelSpecException>(() => rowOut.Analyze()).Field, StringComparison.Ordinal);
        var noSigmoid = spec with { Layers = [.. spec.Layers.Take(spec.Layers.Count - 1), spec.Layers[^1] with { Activation = Activation.None }] };
        var error = Assert.Throws<ModelSpecException>(() => noSigmoid.Analyze());
        Assert.Equal($"layers[{spec.Layers.Count - 1}].activation", error.Field);
    }

    [Fact]
    public void A_video_spec_round_trips_through_json()
    {
        var spec = ModelZoo.Create("video-transformer-d0.25", Clip, 16);
        var read = ModelSpecJson.FromFile(ModelSpecJson.Serialize(spec, indented: false), "video");
        Assert.Equal(spec.Input, read.Input);
        Assert.True(spec.StructurallyEquals(read));
        Assert.Contains("\"last-row\"", ModelSpecJson.Serialize(spec, indented: false), StringComparison.Ordinal);
    }
}
