using System.Globalization;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling.Quantization;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Zoo;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Agents.Ddpg;
using AutoDesign.Search.Quantization;
using static TorchSharp.torch;

// HAQ's edge/cloud observation, checked against this project's accelerator models: the HAQ agent (DDPG over weight
// and activation bits per layer, HAQ's walk-back to the budget) quantizes MobileNetV2 at ImageNet shapes under a
// latency budget on each target, and the benchmark reports the bits it gives to depthwise and to pointwise (1x1)
// convs, and which side (compute or DRAM) bounds each kind of layer at W8A8.
//
// The analytic targets need no data, but the agent needs an accuracy signal. There is no ImageNet here, so the signal
// is DATA-FREE: the fidelity of the quantized network to the float one (1 - the relative L2 error of its logits) on
// seeded random images at 96x96, for an untrained MobileNetV2 whose batch-norm statistics were set on random images.
// It measures how much quantization noise each layer's bits let through, not ImageNet accuracy: read the bits as
// what the cost model makes worth buying, not as HAQ's policies.
//
//   dotnet run -c Release --project bench/HaqHardwareBench [-- --episodes 150] [--budget 0.5] [--seeds 2] [--first-seed 1] [--targets bismo,bismo-cloud,bitfusion]
TorchRuntime.EnsureInitialized();
string Option(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
int episodes = int.Parse(Option("--episodes", "150"), CultureInfo.InvariantCulture);
int warmup = Math.Min(episodes / 5, 20);
double budget = double.Parse(Option("--budget", "0.5"), CultureInfo.InvariantCulture);
int seeds = int.Parse(Option("--seeds", "2"), CultureInfo.InvariantCulture);
int firstSeed = int.Parse(Option("--first-seed", "1"), CultureInfo.InvariantCulture);
string[] targets = Option("--targets", "bismo,bismo-cloud,bitfusion").Split(',');
const int Side = 96, Images = 32;

var costed = ModelZoo.Create("mobilenet-v2", new InputSpec(3, 224, 224), 1000);
var scored = ModelZoo.Create("mobilenet-v2", new InputSpec(3, Side, Side), 1000); // the same layers; fewer positions to compute
bool IsDepthwise(LayerSpec l) => l.Op == LayerOp.DepthwiseConv;
bool IsPointwise(LayerSpec l) => l.Op == LayerOp.Conv && l.Kernel == 1;

Console.WriteLine($"MobileNetV2 at 224x224 ({costed.Analyze().Macs:N0} MACs); budget {budget:P0} of the W8A8 latency; {episodes} episodes ({warmup} warm-up), {seeds} seed(s)");
Console.WriteLine();
Console.WriteLine("| target | batch | W8A8 latency | depthwise convs bound by memory at W8A8 | pointwise convs bound by memory at W8A8 | W4A4 / W8A8 | W2A2 / W8A8 |");
Console.WriteLine("|---|---|---|---|---|---|---|");
foreach (var name in targets)
{
    var target = HardwareTargets.Resolve(name);
    var w8 = target.Measure(costed, PrecisionPolicy.Uniform(8, 8));
    string Bound(Func<LayerSpec, bool> kind)
    {
        var layers = w8.Layers.Where(l => kind(costed.Layers.Single(s => s.Name == l.Layer))).ToList();
        return $"{layers.Count(l => l.Bound == "memory")} of {layers.Count}";
    }
    double Ratio(int bits) => target.Measure(costed, PrecisionPolicy.Uniform(bits, bits)).Latency.Value / w8.Latency.Value;
    Console.WriteLine($"| {name} | {w8.Conditions["batch"]} | {w8.Latency.Value:G4} ms | {Bound(IsDepthwise)} | {Bound(IsPointwise)} | {Ratio(4):F3} | {Ratio(2):F3} |");
}
Console.WriteLine();

Console.WriteLine("| target | seed | best fidelity | latency vs W8A8 | depthwise: mean weight / activation bits | pointwise: mean weight / activation bits | distinct policies |");
Console.WriteLine("|---|---|---|---|---|---|---|");
var summary = new List<(string Target, double DwW, double DwA, double PwW, double PwA)>();
foreach (var name in targets)
{
    var target = HardwareTargets.Resolve(name);
    double Latency(PrecisionPolicy p) => target.Measure(costed, p).Latency.Value;
    for (int seed = firstSeed; seed < firstSeed + seeds; seed++)
    {
        using var fidelity = new Fidelity(scored, Side, Images, (ulong)seed);
        var space = new QuantizationSpace(costed, Latency, budget * Latency(PrecisionPolicy.Uniform(8, 8)));
        using var agent = new DdpgAgent(space, new DdpgOptions { Seed = seed, WarmupEpisodes = warmup, NoiseDecay = 0.99 });
        var seen = new Dictionary<string, double>();
        (double Score, PrecisionPolicy Policy) best = (double.MinValue, PrecisionPolicy.Uniform(8, 8));
        for (int episode = 0; episode < episodes; episode++)
        {
            var candidate = agent.Ask(1)[0];
            var policy = space.PolicyFor(candidate.Actions);
            string key = policy.Key;
            if (!seen.TryGetValue(key, out double score)) seen[key] = score = fidelity.Of(policy);
            if (score > best.Score) best = (score, policy);
            agent.Tell([new Scored(candidate, 0.1 * (score - 1))]); // HAQ's reward, against the float network's fidelity of 1
        }
        double Mean(Func<LayerSpec, bool> kind, Func<Precision, int> bits) =>
            space.Layers.Select(l => costed.Layers.Single(s => s.Name == l)).Where(kind).Average(l => bits(best.Policy.For(l.Name)));
        var row = (name, Mean(IsDepthwise, p => p.WeightBits), Mean(IsDepthwise, p => p.ActivationBits), Mean(IsPointwise, p => p.WeightBits), Mean(IsPointwise, p => p.ActivationBits));
        summary.Add(row);
        Console.WriteLine($"| {name} | {seed} | {best.Score:F4} | {Latency(best.Policy) / Latency(PrecisionPolicy.Uniform(8, 8)):F3} | " +
                          $"{row.Item2:F2} / {row.Item3:F2} | {row.Item4:F2} / {row.Item5:F2} | {seen.Count} |");
    }
}
Console.WriteLine();
Console.WriteLine("HAQ's observation (MobileNet-V1, latency-constrained): on the edge accelerator the depthwise convs get fewer activation bits");
Console.WriteLine("(memory-bound); on the cloud one they get more bits than the pointwise convs (compute-bound). Here, mean over seeds:");
foreach (var group in summary.GroupBy(s => s.Target))
{
    double dwA = group.Average(g => g.DwA), pwA = group.Average(g => g.PwA), dw = group.Average(g => g.DwW + g.DwA), pw = group.Average(g => g.PwW + g.PwA);
    Console.WriteLine($"  {group.Key}: depthwise activation bits {dwA:F2} vs pointwise {pwA:F2}; depthwise w+a {dw:F2} vs pointwise {pw:F2}");
}

/// <summary>The data-free accuracy signal: 1 - ||quantized logits - float logits|| / ||float logits|| on seeded random images.</summary>
internal sealed class Fidelity : IDisposable
{
    private readonly SpecNetwork _network;
    private readonly Tensor _images, _reference;
    private readonly ActivationStatistics _statistics;

    public Fidelity(ModelSpec spec, int side, int images, ulong seed)
    {
        manual_seed((long)seed);
        _network = new SpecNetwork(spec);
        using (no_grad())
        {
            _network.train(); // batch-norm statistics from random images, so that activations keep their scale through the untrained network
            for (int i = 0; i < 20; i++)
                using (var scope = NewDisposeScope()) _network.forward(randn(32, 3, side, side));
        }
        _network.eval();
        _images = randn(images, 3, side, side);
        using (no_grad()) _reference = _network.forward(_images);
        _statistics = new ActivationStatistics(_network, randn(images, 3, side, side), CalibrationMethod.Mse, seed);
    }

    public double Of(PrecisionPolicy policy)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        _network.Quantize(_statistics.For(policy));
        var logits = _network.forward(_images);
        _network.Quantize(null);
        double error = (logits - _reference).norm().item<float>() / _reference.norm().item<float>();
        return Math.Max(0, 1 - error);
    }

    public void Dispose()
    {
        _network.Dispose();
        _images.Dispose();
        _reference.Dispose();
    }
}
