using AutoDesign.HardwareProfiler.Onnx;
using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Zoo;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;

namespace AutoDesign.HardwareProfiler.Tests.Onnx;

/// <summary>A language model's decode step in ONNX Runtime: token by token with a KV cache, it scores what the whole window scores.</summary>
public class DecodeStepTests
{
    [Theory]
    [InlineData("gpt-w0.25-d0.5", null, null, 1e-4)]
    [InlineData("llama-w0.25-d0.5", null, null, 1e-4)] // rotary at the step's position, grouped-query heads over the cache
    [InlineData("llama-w0.25-d0.5", "w4a16-g32", null, 2e-3)]
    [InlineData("gpt-w0.25-d0.5", "w8a8-smooth", null, 2e-2)]
    [InlineData("llama-w0.25-d0.5", null, "kv4-smooth", 1e-4)] // each token's key and value rounded as it joins the cache
    [InlineData("gpt-w0.25-d0.5", null, "kv8", 1e-4)]
    public void Decoding_token_by_token_scores_every_position_as_the_whole_window_does(string model, string? format, string? cache, double tolerance)
    {
        const int context = 12, batch = 2;
        manual_seed(41);
        using var network = new SpecNetwork(ModelZoo.Create(model, InputSpec.Tokens(context, 30), 30));
        network.eval();
        using var scope = NewDisposeScope();
        var tokens = randint(0, 30, [batch, context], dtype: ScalarType.Int64);
        using var calibration = new FormatCalibration(network, tokens);
        using var kernels = new FormatKernels(network, calibration, new FormatSettings());
        using var deployment = format is null && cache is null ? null
            : kernels.Deploy(FormatPolicy.Uniform(network.Spec, ProjectionFormat.Parse(format ?? "fp32"), KvCacheFormat.Parse(cache ?? "kv16")));
        TorchSharp.torch.Tensor window;
        using (no_grad()) window = network.forward(tokens); // (batch, V, 1, context)

        var file = OnnxExporter.Export(network, new OnnxExportOptions { DecodeStep = true });
        using var session = new InferenceSession(file.ToByteArray());
        var attention = network.Spec.Layers.Where(l => l.Op == LayerOp.Attention).ToList();
        var caches = new Dictionary<string, DenseTensor<float>>();
        foreach (var layer in attention)
        {
            long keyHeads = network.Analysis[network.Spec.InputsOf(network.Spec.Layers.ToList().IndexOf(layer))[1]].OutputShape.Channels / layer.HeadSize!.Value;
            foreach (var prefix in new[] { OnnxExporter.PastKeys, OnnxExporter.PastValues })
                caches[prefix + layer.Name] = new DenseTensor<float>(Array.Empty<float>(), [batch, (int)keyHeads, 0, layer.HeadSize.Value]);
        }
        var ids = tokens.data<long>().ToArray();
        double scale = window.abs().max().item<float>(), worst = 0;
        for (int t = 0; t < context; t++)
        {
            var inputs = new List<NamedOnnxValue>
            {
                NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, new DenseTensor<long>(new[] { ids[t], ids[context + t] }, [batch, 1])),
                NamedOnnxValue.CreateFromTensor(OnnxExporter.PositionName, new DenseTensor<long>(new long[] { t }, [1])),
            };
            inputs.AddRange(caches.Select(c => NamedOnnxValue.CreateFromTensor(c.Key, c.Value)));
            using var results = session.Run(inputs);
            var logits = results.Single(r => r.Name == OnnxExporter.OutputName).AsTensor<float>();
            Assert.Equal([batch, 30, 1, 1], logits.Dimensions.ToArray());
            var expected = window[.., .., 0, t].contiguous().data<float>().ToArray();
            worst = Math.Max(worst, expected.Zip(logits.ToArray()).Max(p => Math.Abs(p.First - p.Second)) / scale);
            foreach (var key in caches.Keys.ToList())
            {
                string present = key.Replace("past_", "present_", StringComparison.Ordinal);
                var grown = results.Single(r => r.Name == present).AsTensor<float>();
                Assert.Equal(t + 1, grown.Dimensions[2]);
                caches[key] = new DenseTensor<float>(grown.ToArray(), grown.Dimensions.ToArray());
            }
        }
        Assert.True(worst <= tolerance, $"largest difference {worst:G3} of the largest score");
    }
}
