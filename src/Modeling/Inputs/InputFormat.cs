namespace AutoDesign.Modeling.Inputs;

/// <summary>What a file a user names is read as, and the most bytes such a file may have (checked before it is read).</summary>
public sealed record InputFormat(string Description, long MaxBytes)
{
    private const long MiB = 1L << 20;

    public static InputFormat ModelSpec { get; } = new("a model spec (JSON)", 16 * MiB);
    public static InputFormat HardwareDescription { get; } = new("a hardware description (JSON)", 1 * MiB);
    public static InputFormat LatencyTable { get; } = new("a look-up table (JSON or YAML)", 64 * MiB);
    public static InputFormat BenchmarkTable { get; } = new("a benchmark table (CSV or JSON)", 256 * MiB);
    public static InputFormat IdxFile { get; } = new("an IDX file", 2047 * MiB);
    public static InputFormat Cifar10Batch { get; } = new("a CIFAR-10 binary batch", 64 * MiB);
    public static InputFormat Predictor { get; } = new("a latency predictor", 256 * MiB);
    public static InputFormat Image { get; } = new("an image (JPEG or PNG)", 64 * MiB);
    public static InputFormat DatasetSettings { get; } = new("data set settings (JSON)", 64 * 1024);
    public static InputFormat Onnx { get; } = new("an ONNX model", 1024 * MiB);
    public static InputFormat SupernetCard { get; } = new("a super-network card (JSON)", 16 * MiB);
    public static InputFormat IsaVerdict { get; } = new("a CPU check's verdict (JSON)", 4 * 1024);
}
