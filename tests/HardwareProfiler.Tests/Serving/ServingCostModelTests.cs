using AutoDesign.HardwareProfiler.Serving;
using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Modeling.Sparsity;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Zoo;

namespace AutoDesign.HardwareProfiler.Tests.Serving;

/// <summary>The LLM serving cost model: its arithmetic by hand, and QServe's published orderings on Llama-3-8B.</summary>
public class ServingCostModelTests
{
    private static readonly ModelSpec Llama = ModelZoo.Llama3_8B(context: 2048);

    // Round numbers, so the arithmetic can be followed by hand.
    private static readonly ServingGpu Round = new()
    {
        Name = "round", TensorFp16Tflops = 100, TensorInt8Tops = 200, TensorInt4Tops = 400, CudaFp32Tflops = 10, CudaInt32Tops = 10,
        CudaConversionsTops = 2.5, MemoryGigabytes = 10, MemoryGigabytesPerSecond = 1000, KernelOverheadMicroseconds = 0,
    };

    private static ServingWorkload Uniform(string weights, string cache) =>
        ServingWorkload.From(Llama, FormatPolicy.Uniform(Llama, ProjectionFormat.Parse(weights), KvCacheFormat.Parse(cache)));

    private static double Gemm(string format, long tokens) =>
        new ServingCostModel(Round).GemmSeconds(new ServingGemm("g", 1024, 1024, ProjectionFormat.Parse(format)), tokens);

    [Fact]
    public void A_w4a16_gemm_at_large_batch_pays_fp16_tensor_work_plus_dequantization_in_every_tile()
    {
        // 256 tokens x 1024 x 1024: tensor 2 x 256 x 2^20 / 100e12 = 5.369e-6 s; two tiles of 128 tokens each
        // dequantize all 2^20 weights at 4 operations: 8 x 2^20 / 10e12 = 8.389e-7 s. Memory: 546,816 weight bytes
        // + 2 x 2 x 256 x 1024 activation bytes = 1,595,392 bytes / 1e12 = 1.6e-6 s, hidden under the compute.
        Assert.Equal(2.0 * 256 * 1024 * 1024 / 100e12 + 8.0 * 1024 * 1024 / 10e12, Gemm("w4a16-g128", 256), 1e-12);
        // W8A8: INT8 tensor cores, no main-loop work: 2 x 256 x 2^20 / 200e12 = 2.684e-6 s.
        Assert.Equal(2.0 * 256 * 1024 * 1024 / 200e12, Gemm("w8a8", 256), 1e-12);
    }

    [Fact]
    public void A_gemm_at_batch_one_reads_its_weights_and_four_bits_read_fastest()
    {
        // One token: W4A16 reads 546,816 weight bytes plus 2 x 1024 in and 2 x 1024 out: 550,912 bytes / 1e12 B/s.
        Assert.Equal(550_912 / 1e12, Gemm("w4a16-g128", 1), 1e-12);
        Assert.True(Gemm("w4a16-g128", 1) < Gemm("w8a8", 1));
        Assert.True(Gemm("w8a8", 1) < Gemm("fp16", 1));
    }

    [Fact]
    public void W4A4_with_per_group_partial_sums_pays_for_their_conversions_on_the_cuda_cores()
    {
        // 256 x 1024 x (1024 / 128) partial sums, each converted (1 / 2.5e12) and scaled (2 / 10e12): 1.258e-6 s
        // beside 2 x 256 x 2^20 / 400e12 = 1.342e-6 s on the INT4 tensor cores.
        double partialSums = 256.0 * 1024 * 8;
        Assert.Equal(2.0 * 256 * 1024 * 1024 / 400e12 + partialSums * (1 / 2.5e12 + 2 / 10e12), Gemm("w4a4-g128", 256), 1e-12);
    }

    [Fact]
    public void A_batch_whose_cache_does_not_fit_is_not_served_and_a_4_bit_cache_fits_four_times_the_sequences()
    {
        var model = new ServingCostModel(ServingGpu.Preset("serving-l40s"));
        var fp16 = Uniform("w4a8-g128", "kv16");
        var kv4 = Uniform("w4a8-g128", "kv4");
        int Largest(ServingWorkload w) => Enumerable.Range(1, 1024).Last(b => b == 1 || model.Serve(w, b, 1024, 512) is not null);
        Assert.Null(model.Serve(fp16, 1024, 1024, 512));
        Assert.InRange(Largest(kv4) / (double)Largest(fp16), 3.0, 4.0); // 4-bit values, plus a scale and zero point per head
    }

    [Theory]
    [InlineData("serving-a100", "w4a8")]
    [InlineData("serving-l40s", "w4a8-g128")]
    public void QServes_published_ordering_holds_at_large_batch_W4A8KV4_above_W8A8_and_W4A16(string gpu, string qserve)
    {
        var model = new ServingCostModel(ServingGpu.Preset(gpu));
        double Max(string weights, string cache) => model.MaxThroughput(Uniform(weights, cache), 1024, 512)!.TokensPerSecond;
        double w4a8kv4 = Max(qserve, "kv4"), w8a8 = Max("w8a8", "kv16"), w4a16 = Max("w4a16-g128", "kv16"), w4a4 = Max("w4a4-g128", "kv4");
        Assert.True(w4a8kv4 > w8a8, $"W4A8KV4 {w4a8kv4:F0} against W8A8 {w8a8:F0} tokens/s");
        Assert.True(w4a8kv4 > w4a16, $"W4A8KV4 {w4a8kv4:F0} against W4A16 {w4a16:F0} tokens/s");
        Assert.True(w4a8kv4 > w4a4, $"W4A8KV4 {w4a8kv4:F0} against W4A4 {w4a4:F0} tokens/s: per-group partial sums cost W4A4 its lead");
    }

    [Theory]
    [InlineData("serving-a100")]
    [InlineData("serving-l40s")]
    [InlineData("serving-h100")]
    public void At_batch_one_weight_only_W4A16_beats_W8A8_and_FP16(string gpu)
    {
        var model = new ServingCostModel(ServingGpu.Preset(gpu));
        double One(string weights) => model.Serve(Uniform(weights, "kv16"), 1, 1024, 512)!.TokensPerSecond;
        Assert.True(One("w4a16-g128") > One("w8a8"));
        Assert.True(One("w8a8") > One("fp16"));
    }

    [Fact]
    public void Every_shipped_gpu_loads_names_its_sources_and_refuses_an_unknown_name()
    {
        Assert.Equal(["serving-a100", "serving-h100", "serving-l40s"], ServingGpu.PresetNames);
        foreach (var name in ServingGpu.PresetNames)
        {
            var gpu = ServingGpu.Preset(name);
            Assert.Contains(gpu.Sources, s => s.Contains("datasheet", StringComparison.Ordinal));
            Assert.Empty(gpu.Problems());
        }
        Assert.Null(ServingGpu.Preset("serving-h100").TensorInt4Tops);
        Assert.Contains("is not a serving GPU", Assert.Throws<ArgumentException>(() => ServingGpu.Preset("../../etc/passwd")).Message, StringComparison.Ordinal);
        Assert.Contains("memoryGigabytes: must be a positive number", (Round with { MemoryGigabytes = 0 }).Problems());
    }

    [Fact]
    public void An_image_model_has_no_serving_workload()
    {
        var vit = ModelZoo.Create("vit", new InputSpec(1, 28, 28), 10);
        Assert.Throws<ArgumentException>(() => ServingWorkload.From(vit, FormatPolicy.Uniform(vit, ProjectionFormat.Parse("w8a8"), KvCacheFormat.Fp16)));
    }

    [Fact]
    public void Streaming_heads_cut_prefill_decode_and_cache_and_page_selection_cuts_decode_only()
    {
        var llama = ModelZoo.Llama3_8B(context: 32_768);
        var policy = FormatPolicy.Uniform(llama, ProjectionFormat.Parse("w8a8"), KvCacheFormat.Parse("kv8"));
        var attention = FormatPolicy.AttentionLayers(llama);
        IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>> Heads(Func<int, HeadPattern> pattern) =>
            attention.ToDictionary(a => a, _ => (IReadOnlyList<HeadPattern>)[.. Enumerable.Range(0, 8).Select(pattern)]); // 8 key/value heads
        var dense = ServingWorkload.From(llama, policy);
        var allDense = ServingWorkload.From(llama, policy, Heads(_ => HeadPattern.Dense));
        var halfStreaming = ServingWorkload.From(llama, policy, Heads(h => h % 2 == 0 ? new StreamingPattern(64, 256) : HeadPattern.Dense));
        var pages = ServingWorkload.From(llama, policy, Heads(_ => new PageSelectionPattern(64, 4096)));
        var model = new ServingCostModel(ServingGpu.Preset("serving-a100"));

        Assert.Equal(model.PrefillSeconds(dense, 1, 32_768), model.PrefillSeconds(allDense, 1, 32_768));
        Assert.Equal(model.DecodeStepSeconds(dense, 8, 32_768), model.DecodeStepSeconds(allDense, 8, 32_768));
        Assert.Equal(dense.KvBytes(32_768), allDense.KvBytes(32_768));
        // Half the heads keep 320 of 32,768 tokens: the cache is a little over half.
        Assert.Equal(dense.KvBytes(32_768) * (0.5 + 0.5 * 320 / 32_768.0), halfStreaming.KvBytes(32_768), dense.KvBytes(32_768) * 1e-6);
        Assert.True(model.PrefillSeconds(halfStreaming, 1, 32_768) < 0.8 * model.PrefillSeconds(dense, 1, 32_768));
        Assert.True(model.DecodeStepSeconds(halfStreaming, 8, 32_768) < 0.9 * model.DecodeStepSeconds(dense, 8, 32_768));
        Assert.Equal(model.PrefillSeconds(dense, 1, 32_768), model.PrefillSeconds(pages, 1, 32_768));
        Assert.True(model.DecodeStepSeconds(pages, 8, 32_768) < 0.9 * model.DecodeStepSeconds(dense, 8, 32_768));
        Assert.Equal(dense.KvBytes(32_768), pages.KvBytes(32_768)); // every page stays in memory
    }
}
