using System.Globalization;
using AutoDesign.HardwareProfiler.Serving;
using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Modeling.Zoo;

// The serving cost model against QServe's published maximum throughputs (Lin et al. 2024, the QServe README's
// "Efficiency Benchmarks" table: Llama-3-8B, 1,024 input and 512 output tokens, the largest batch that fits, at
// most 256), and at batch 1. Each system is modelled with the formats it serves: TensorRT-LLM FP16 and W4A16
// (AWQ, g128) with an FP16 cache, TensorRT-LLM W8A8 (SmoothQuant) with an FP16 or INT8 cache (the README does not
// say which), and QServe's W4A8KV4 (per-channel on A100, g128 on L40S, as QServe ran them).
//
//   dotnet run -c Release --project bench/ServingBench
var spec = ModelZoo.Llama3_8B(context: 2048);
var published = new Dictionary<(string Gpu, string System), double>
{
    [("serving-a100", "FP16")] = 2503, [("serving-a100", "W4A16")] = 2370, [("serving-a100", "W8A8")] = 2396, [("serving-a100", "W4A8KV4")] = 3005,
    [("serving-l40s", "FP16")] = 1326, [("serving-l40s", "W4A16")] = 1431, [("serving-l40s", "W8A8")] = 2634, [("serving-l40s", "W4A8KV4")] = 3656,
};
(string System, string Weights, string Cache)[] Systems(string gpu) =>
[
    ("FP16", "fp16", "kv16"), ("W4A16", "w4a16-g128", "kv16"), ("W8A8", "w8a8", "kv16"), ("W8A8 (KV8)", "w8a8", "kv8"),
    ("W4A8KV4", gpu == "serving-a100" ? "w4a8" : "w4a8-g128", "kv4"), ("W4A4 (g128)", "w4a4-g128", "kv4"),
];

Console.WriteLine("| GPU | system | weights / cache | modelled max tokens/s | batch | published tokens/s | modelled / published | modelled batch-1 tokens/s |");
Console.WriteLine("|---|---|---|---|---|---|---|---|");
foreach (var gpuName in new[] { "serving-a100", "serving-l40s", "serving-h100" })
{
    var model = new ServingCostModel(ServingGpu.Preset(gpuName));
    foreach (var (system, weights, cache) in Systems(gpuName))
    {
        var workload = ServingWorkload.From(spec, FormatPolicy.Uniform(spec, ProjectionFormat.Parse(weights), KvCacheFormat.Parse(cache)));
        var best = model.MaxThroughput(workload, 1024, 512);
        var single = model.Serve(workload, 1, 1024, 512);
        string paper = published.TryGetValue((gpuName, system), out double p) ? p.ToString("N0", CultureInfo.InvariantCulture) : "-";
        string ratio = best is not null && p > 0 ? (best.TokensPerSecond / p).ToString("F2", CultureInfo.InvariantCulture) : "-";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {gpuName[8..]} | {system} | {weights} / {cache} | {best?.TokensPerSecond:N0} | {best?.Batch} | {paper} | {ratio} | {single?.TokensPerSecond:N0} |"));
    }
}
return 0;
