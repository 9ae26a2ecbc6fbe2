using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AutoDesign.Host.Training;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Distributed;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Modeling.Zoo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
// Deep Gradient Compression between two silo processes on this machine: this process hosts the first silo and
// starts the second (itself, with --silo), and the run goes through the cluster's grains as the service's does
// (ClusterTraining: a worker grain per silo, an exchange grain on the first). Each configuration trains once per
// link: the network as it is (loopback), or an emulated link whose bandwidth and latency delay every message of
// the exchange (EmulatedLink). Prints the bytes each worker sent per step and in all, the ratio to dense, test
// accuracy, and the wall time of the last epoch with its part in the exchange (transfers, and waiting for the
// slower worker: on one machine the two processes share its cores).
//
//   dotnet run -c Release --project bench/DgcClusterBench [-- --model resnet20] [--dataset fashion-mnist] [--epochs 1]
//       [--train-limit 6000] [--density 0.001] [--warmup-epochs 4] [--configs dense,dgc] [--links loopback,10G,1G,100M,10M]
TorchRuntime.EnsureInitialized();
string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
int IntArg(string name, int fallback) => Arg(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var folder = DataFolder.Default();

if (Arg("--silo") is { } primary) // the second silo: joins the first and serves until it is killed
{
    using var second = StartSilo(IntArg("--silo-port", 0), IntArg("--gateway-port", 0), int.Parse(primary, CultureInfo.InvariantCulture));
    await second.StartAsync();
    await Task.Delay(Timeout.Infinite);
}

string model = Arg("--model") ?? "resnet20", datasetName = Arg("--dataset") ?? "fashion-mnist";
int epochs = IntArg("--epochs", 1), trainLimit = IntArg("--train-limit", 6_000);
double density = double.Parse(Arg("--density") ?? "0.001", CultureInfo.InvariantCulture);
var dgc = new GradientCompression { Density = density };
dgc = dgc with { WarmupEpochs = IntArg("--warmup-epochs", dgc.WarmupEpochs) };
var configs = (Arg("--configs") ?? "dense,dgc").Split(',');
var links = new Dictionary<string, (double BitsPerSecond, TimeSpan Latency)>
{
    ["loopback"] = (0, TimeSpan.Zero),
    ["10G"] = (10e9, TimeSpan.FromMicroseconds(50)),
    ["1G"] = (1e9, TimeSpan.FromMicroseconds(100)),
    ["100M"] = (100e6, TimeSpan.FromMilliseconds(1)),
    ["10M"] = (10e6, TimeSpan.FromMilliseconds(2)),
};
var chosenLinks = (Arg("--links") ?? "loopback,10G,1G,100M,10M").Split(',');

var data = DatasetCatalog.Load(datasetName, folder);
var spec = ModelZoo.Create(model, data.Info.Shape, data.Info.Classes);
var recipe = TrainingOptions.RecipeFor(model);
var options = recipe.WithSgd() with { Epochs = epochs, TrainLimit = trainLimit };

int firstPort = FreePort(), secondPort = FreePort();
using var first = StartSilo(firstPort, FreePort(), primaryPort: null);
await first.StartAsync();
using var other = StartSecondSilo(firstPort, secondPort);
var otherErrors = new System.Text.StringBuilder();
other.ErrorDataReceived += (_, line) => { if (line.Data is { } text) lock (otherErrors) otherErrors.AppendLine(text); };
other.BeginErrorReadLine();
var grains = first.Services.GetRequiredService<IGrainFactory>();
var firstSilo = first.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();
while ((await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count < 2)
{
    if (other.HasExited) throw new InvalidOperationException($"the second silo exited: {otherErrors}");
    await Task.Delay(500);
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{model} on {datasetName} ({(trainLimit > 0 ? $"{trainLimit:N0}" : "all")} training images), {epochs} epochs, batch {options.BatchSize} over 2 silo processes, SGD at {options.LearningRate} (cosine), density {density:P2} after a {dgc.WarmupEpochs}-epoch warm-up"));
Console.WriteLine();
Console.WriteLine("| exchange | link | bytes per worker and step (last epoch) | all bytes (with the opening's state) | ratio to dense | test accuracy | last epoch's wall time | of which in the exchange |");
Console.WriteLine("|---|---|---|---|---|---|---|---|");
var training = new ClusterTraining(grains, first.Services.GetRequiredService<ILoggerFactory>().CreateLogger("training"), firstSilo);
try
{
    foreach (string linkName in chosenLinks)
        foreach (string config in configs) // interleaved, as the machine's load drifts
        {
            var compression = config switch
            {
                "dense" => GradientCompression.Dense,
                "dgc" => dgc,
                _ => throw new ArgumentException($"unknown configuration '{config}'"),
            };
            var link = links[linkName];
            string run = $"dgc-bench-{config}-{linkName}-{Guid.NewGuid():N}";
            var dataParallel = new DataParallelRun(run, spec, datasetName, options, compression, Workers: 2)
            {
                InitialSeed = options.Seed, LinkBitsPerSecond = link.BitsPerSecond, LinkLatency = link.Latency,
            };
            var history = await training.TrainAsync(dataParallel, _ => Task.CompletedTask, CancellationToken.None);
            string checkpoints = Path.Combine(folder.Root, "training", run);
            using var network = new SpecNetwork(spec);
            new DataParallelCheckpoints(checkpoints).RestoreNetwork(network);
            double test = Evaluation.Of(network, data.Test, data.Mean, data.Std).Accuracy;
            Directory.Delete(checkpoints, recursive: true);
            var last = history[^1];
            long all = history.Sum(e => e.BytesSent), allDense = history.Sum(e => e.DenseBytes);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {config} | {linkName} | {(last.BytesSent - last.OpeningBytes) / (double)last.Steps / last.Workers:N0} | {all / 1e6:F1} MB | {(double)allDense / all:F0}x | {test:P2} | {last.Seconds:F1} s | {last.ExchangeSeconds:F1} s |"));
        }
}
finally
{
    await first.StopAsync();
    other.Kill(entireProcessTree: true);
}

IHost StartSilo(int siloPort, int gatewayPort, int? primaryPort)
{
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error);
    builder.UseOrleans(silo =>
    {
        silo.UseLocalhostClustering(siloPort, gatewayPort, primaryPort is { } p ? new IPEndPoint(IPAddress.Loopback, p) : null, "dgc-bench", "dgc-bench");
        silo.AddDataParallelTraining(folder);
    });
    return builder.Build();
}

Process StartSecondSilo(int primaryPort, int siloPort)
{
    string program = Environment.ProcessPath!;
    var start = new ProcessStartInfo(program) { RedirectStandardError = true };
    if (Path.GetFileNameWithoutExtension(program) == "dotnet") start.ArgumentList.Add(typeof(TrainingSilo).Assembly.Location.Replace("AutoDesign.Host.dll", "AutoDesign.DgcClusterBench.dll"));
    foreach (string a in new[] { "--silo", primaryPort.ToString(CultureInfo.InvariantCulture), "--silo-port", siloPort.ToString(CultureInfo.InvariantCulture), "--gateway-port", FreePort().ToString(CultureInfo.InvariantCulture) })
        start.ArgumentList.Add(a);
    return Process.Start(start) ?? throw new InvalidOperationException("the second silo did not start");
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}
