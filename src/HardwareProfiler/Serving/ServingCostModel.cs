using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Modeling.Sparsity;

namespace AutoDesign.HardwareProfiler.Serving;

/// <summary>Modelled serving of a batch of requests: the prompt's prefill, then one decode step per output token.</summary>
public sealed record ServingEstimate(int Batch, int InputTokens, int OutputTokens, double PrefillSeconds, double DecodeSeconds, long WeightBytes, long KvBytes)
{
    /// <summary>Generated tokens per second over the whole batch: batch x output / (prefill + decode).</summary>
    public double TokensPerSecond => Batch * (double)OutputTokens / (PrefillSeconds + DecodeSeconds);

    public double MemoryBytes => WeightBytes + (double)KvBytes;
}

/// <summary>
/// An analytic model of LLM serving on a GPU, after QServe's analysis (Lin et al. 2024). Each kernel takes the slower
/// of its compute and its memory traffic, plus a launch overhead. A GEMM's compute is its tensor-core work at the
/// format's operand precision (FP16 for FP16 and W4A16, INT8 for W8A8 and W4A8, INT4 for W4A4) plus the work its
/// main loop does on the CUDA cores, which decides the speed at large batch:
/// <list type="bullet">
/// <item>W4A16 turns every 4-bit weight into FP16 (unpack, convert, subtract the zero point, scale: 4 operations)
/// once per tile of <see cref="TileRows"/> tokens;</item>
/// <item>W4A4 with per-group scales converts every INT32 partial sum to FP32 once per group (at the GPU's conversion
/// rate, a quarter or less of its FP32 rate) and scales and accumulates it (2 FP32 operations);</item>
/// <item>QServe's W4A8 only unpacks nibbles into INT8 lanes (0.25 operations per weight and tile, four lanes to a
/// 32-bit instruction) and, with groups, applies the INT8 group scale and zero point in the same lanes (0.5 more),
/// on the INT32 units;</item>
/// <item>W8A8 and FP16 do nothing there: their scales wait for the epilogue.</item>
/// </list>
/// Attention in prefill is FP16 tensor-core work over the causal half of the score matrix (over the pairs its heads'
/// patterns compute, <see cref="AttentionWork"/>); in decode it reads every cached key and value once per step
/// (memory-bound; a streaming head its sinks and window, a page-selecting head its pages and their key statistics),
/// and a quantized cache is dequantized on the CUDA cores (2 operations a value). Layers that only stream activations (norms, residual adds, gates) read and write FP16
/// values. The head runs on the last position only. A batch fits when its weights and the KV cache of all its
/// sequences at full length take at most <see cref="UsableMemory"/> of the GPU's memory.
/// </summary>
public sealed class ServingCostModel(ServingGpu gpu)
{
    /// <summary>Tokens per GEMM tile: main-loop dequantization repeats once per tile.</summary>
    public const int TileRows = 128;

    /// <summary>The share of memory that weights and KV cache may take; the rest is activations and workspace.</summary>
    public const double UsableMemory = 0.9;

    public ServingGpu Gpu => gpu;

    /// <summary>One GEMM of <paramref name="tokens"/> rows through <paramref name="gemm"/>.</summary>
    public double GemmSeconds(ServingGemm gemm, long tokens)
    {
        var f = gemm.Format;
        double macs = (double)tokens * gemm.Out * gemm.In;
        double tensorOpsPerSecond = 1e12 * (f.Kind switch
        {
            FormatKind.W8A8 or FormatKind.W4A8 => gpu.TensorInt8Tops,
            FormatKind.W4A4 => gpu.TensorInt4Tops ?? gpu.TensorInt8Tops,
            FormatKind.Fp32 => gpu.CudaFp32Tflops,
            _ => gpu.TensorFp16Tflops,
        });
        double compute = 2 * macs / tensorOpsPerSecond + MainLoopSeconds(gemm, tokens);
        if (f.Method == FormatMethod.Svd) compute += 2.0 * tokens * f.Rank * (gemm.Out + gemm.In) * 2 / (gpu.TensorFp16Tflops * 1e12);
        double activationBytes = f.ActivationBits / 8.0;
        double bytes = f.WeightBytes(gemm.Out, gemm.In) + tokens * gemm.In * activationBytes + tokens * gemm.Out * 2.0;
        return Kernel(compute, bytes);
    }

    private double MainLoopSeconds(ServingGemm gemm, long tokens)
    {
        var f = gemm.Format;
        double weights = (double)gemm.Out * gemm.In;
        double tiles = Math.Ceiling(tokens / (double)TileRows);
        return f.Kind switch
        {
            FormatKind.W4A16 => 4 * weights * tiles / (gpu.CudaFp32Tflops * 1e12),
            FormatKind.W4A8 => (f.GroupSize > 0 ? 0.75 : 0.25) * weights * tiles / (gpu.CudaInt32Tops * 1e12),
            FormatKind.W4A4 => (double)tokens * gemm.Out * (gemm.In / (double)f.GroupSize) * (1 / (gpu.CudaConversionsTops * 1e12) + 2 / (gpu.CudaFp32Tflops * 1e12)),
            _ => 0,
        };
    }

    /// <summary>Prefill of <paramref name="batch"/> prompts of <paramref name="prompt"/> tokens: every layer over every prompt token.</summary>
    public double PrefillSeconds(ServingWorkload model, int batch, int prompt)
    {
        long tokens = (long)batch * prompt;
        double seconds = model.Projections.Sum(g => GemmSeconds(g, tokens));
        foreach (var a in model.Attention)
        {
            double macs = batch * a.PrefillMacs(prompt); // Q K^T and P V over the pairs each head's pattern computes
            double bytes = tokens * (2.0 * a.QueryChannels * 2 + a.KvChannels * 2.0) + batch * (double)a.Cache.BytesPerToken(a.KvChannels, a.HeadSize) * prompt;
            seconds += Kernel(2 * macs / (gpu.TensorFp16Tflops * 1e12), bytes);
        }
        seconds += Kernel(0, 2.0 * 2 * tokens * model.StreamedChannels);
        return seconds + GemmSeconds(model.Head, batch);
    }

    /// <summary>One decode step of <paramref name="batch"/> sequences that hold <paramref name="context"/> tokens.</summary>
    public double DecodeStepSeconds(ServingWorkload model, int batch, int context)
    {
        double seconds = model.Projections.Sum(g => GemmSeconds(g, batch));
        foreach (var a in model.Attention)
        {
            double cached = (double)batch * context * a.DecodeReadShare(context);
            double bytes = cached * a.Cache.BytesPerToken(a.KvChannels, a.HeadSize) + batch * (a.QueryChannels * 4.0 + a.KvChannels * 2.0);
            double compute = 2 * 2.0 * cached * a.QueryChannels / (gpu.TensorFp16Tflops * 1e12)
                + (a.Cache.IsQuantized ? 2 * cached * a.KvChannels / (gpu.CudaFp32Tflops * 1e12) : 0);
            seconds += Kernel(compute, bytes);
        }
        seconds += Kernel(0, 2.0 * 2 * batch * model.StreamedChannels);
        return seconds + GemmSeconds(model.Head, batch);
    }

    /// <summary>A batch of requests served together, or null when its weights and caches do not fit.</summary>
    public ServingEstimate? Serve(ServingWorkload model, int batch, int inputTokens, int outputTokens)
    {
        long kv = batch * model.KvBytes(inputTokens + outputTokens);
        if (model.WeightBytes + (double)kv > UsableMemory * gpu.MemoryGigabytes * 1e9) return null;
        double decode = 0;
        for (int step = 0; step < outputTokens; step++) decode += DecodeStepSeconds(model, batch, inputTokens + step);
        return new ServingEstimate(batch, inputTokens, outputTokens, PrefillSeconds(model, batch, inputTokens), decode, model.WeightBytes, kv);
    }

    /// <summary>The largest throughput over batches 1 to <paramref name="maxBatch"/> that fit (null if none does).</summary>
    public ServingEstimate? MaxThroughput(ServingWorkload model, int inputTokens, int outputTokens, int maxBatch = 256)
    {
        ServingEstimate? best = null;
        for (int batch = 1; batch <= maxBatch; batch = batch < 8 ? batch + 1 : batch + 8)
        {
            if (Serve(model, batch, inputTokens, outputTokens) is not { } estimate) break;
            if (best is null || estimate.TokensPerSecond > best.TokensPerSecond) best = estimate;
        }
        return best;
    }

    private double Kernel(double computeSeconds, double bytes) =>
        Math.Max(computeSeconds, bytes / (gpu.MemoryGigabytesPerSecond * 1e9)) + gpu.KernelOverheadMicroseconds * 1e-6;
}
