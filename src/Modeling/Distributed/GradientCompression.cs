namespace AutoDesign.Modeling.Distributed;

/// <summary>
/// How workers exchange gradients in data-parallel training: Deep Gradient Compression (Lin et al., ICLR 2018) sends
/// only the largest <see cref="Density"/> of each weight tensor's accumulated gradient and keeps the rest for later
/// steps, with its four fixes for what sparse updates otherwise lose. A density of 1 is the dense exchange: every
/// gradient averaged, then an ordinary momentum step.
/// </summary>
public sealed record GradientCompression
{
    /// <summary>Share of each weight tensor's entries sent per step after the warm-up (the paper's 0.1 %).</summary>
    public double Density { get; init; } = 0.001;

    /// <summary>Accumulate the momentum-corrected gradient (velocity) rather than the raw one, so that the entries sent late still carry their momentum.</summary>
    public bool MomentumCorrection { get; init; } = true;

    /// <summary>Zero the momentum of the entries just sent, so that stale momentum does not push them again.</summary>
    public bool MomentumFactorMasking { get; init; } = true;

    /// <summary>
    /// Clip each worker's share of the averaged gradient (its shard's mean gradient over N) to an L2 norm of
    /// <see cref="ClipNorm"/> / sqrt(N) before it is accumulated: the paper's local clipping, which keeps the sum of the
    /// N shares within about the usual bound; 0: no clipping.
    /// </summary>
    public double ClipNorm { get; init; } = 5;

    /// <summary>Epochs over which the density falls exponentially from <see cref="WarmupDensity"/> to <see cref="Density"/> (the paper's 4: 25 %, 6.25 %, 1.56 %, 0.39 %, then 0.1 %); 0: none.</summary>
    public int WarmupEpochs { get; init; } = 4;

    public double WarmupDensity { get; init; } = 0.25;

    /// <summary>Exchanges every gradient in full.</summary>
    public static GradientCompression Dense { get; } = new() { Density = 1, MomentumCorrection = false, MomentumFactorMasking = false, ClipNorm = 0, WarmupEpochs = 0 };

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsDense => Density >= 1;

    /// <summary>The density in force during <paramref name="epoch"/> (from 0).</summary>
    public double DensityAt(int epoch) =>
        IsDense || epoch >= WarmupEpochs || WarmupDensity <= Density
            ? Math.Min(1, Density)
            : WarmupDensity * Math.Pow(Density / WarmupDensity, (double)epoch / WarmupEpochs);

    /// <summary>What is wrong with the settings, named by field; null when they are usable.</summary>
    public string? Problem() =>
        !(Density > 0 && Density <= 1) ? $"density: must be in (0, 1], got {Density}"
        : !(ClipNorm >= 0) || double.IsInfinity(ClipNorm) ? $"clipNorm: must be zero or positive, got {ClipNorm}"
        : WarmupEpochs < 0 ? $"warmupEpochs: must not be negative, got {WarmupEpochs}"
        : !(WarmupDensity > 0 && WarmupDensity <= 1) ? $"warmupDensity: must be in (0, 1], got {WarmupDensity}"
        : MomentumFactorMasking && !MomentumCorrection ? "momentumFactorMasking: needs momentumCorrection (without it no momentum is kept per worker)"
        : null;
}
