using System.Text.Json;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Supernet;

namespace AutoDesign.Cli.Tests;

public sealed class SupernetCommandTests : IDisposable
{
    private readonly TestDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    private Task<CliRunner.Outcome> Train(string layout = "tiny") => CliRunner.InProcess(
        "supernet", "train", "--dataset", "mnist", "--name", "toy", "--layout", layout, "--train-limit", "128", "--full-epochs", "1",
        "--epochs-per-phase", "1", "--json", "--data-dir", _data.Root);

    [Fact]
    public async Task Train_saves_a_supernet_a_nas_spec_finds_by_name_and_a_rerun_continues_from_the_checkpoints()
    {
        var first = await Train();
        Assert.True(first.ExitCode == 0, first.Stderr);
        string directory = Path.Combine(_data.Root, "supernets", "toy", "supernet");
        Assert.Equal(directory, first.Json().GetProperty("directory").GetString());
        Assert.Equal(4, first.Json().GetProperty("epochs").GetInt32()); // full, kernel, depth, expansion
        Assert.Contains("ElasticExpansion epoch 1/1", first.Stderr);

        var again = await Train();
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(4, again.Json().GetProperty("epochs").GetInt32());
        Assert.DoesNotContain("epoch 1/1", again.Stderr); // nothing left to train

        string job = Path.Combine(_data.Root, "job.json");
        File.WriteAllText(job, """
            {"kind":"nas","supernet":"toy","dataset":"mnist","agent":"random","constraint":{"metric":"params","max":100000},"budget":{"evaluations":3},"seed":1}
            """);
        string result = Path.Combine(_data.Root, "out", "result.json");
        var run = await CliRunner.InProcess("run", job, "--out", result, "--json", "--data-dir", _data.Root);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var file = JsonDocument.Parse(await File.ReadAllTextAsync(result)).RootElement;
        Assert.Equal(3, file.GetProperty("candidates").GetArrayLength());
        Assert.Equal("s1b1.kernel", file.GetProperty("best").GetProperty("policy")[0].GetProperty("layer").GetString());
        Assert.True(Directory.Exists(Path.Combine(_data.Root, "out", "result.best")));

        var extract = await CliRunner.InProcess("supernet", "extract", "--supernet", "toy", "--choice", "smallest", "--json", "--data-dir", _data.Root);
        Assert.True(extract.ExitCode == 0, extract.Stderr);
        Assert.True(Directory.Exists(extract.Json().GetProperty("directory").GetString()));
        Assert.Equal("0000000000", extract.Json().GetProperty("choice").GetString());
    }

    [Fact]
    public async Task Sample_measures_sub_networks_a_predictor_guided_nas_job_then_searches_with()
    {
        Assert.Equal(0, (await Train()).ExitCode);

        var sample = await CliRunner.InProcess("supernet", "sample", "--supernet", "toy", "--count", "20", "--json", "--data-dir", _data.Root);
        Assert.True(sample.ExitCode == 0, sample.Stderr);
        Assert.Equal(20, sample.Json().GetProperty("samples").GetInt32());
        Assert.Equal(["mlp", "fasttree"], sample.Json().GetProperty("predictors").EnumerateArray().Select(p => p.GetProperty("predictor").GetString()));
        var more = await CliRunner.InProcess("supernet", "sample", "--supernet", "toy", "--count", "22", "--json", "--data-dir", _data.Root);
        Assert.Equal(22, more.Json().GetProperty("samples").GetInt32());
        Assert.Equal(2, more.Stderr.Split('\n').Count(line => line.Contains(" MACs"))); // only the new ones were measured

        string job = Path.Combine(_data.Root, "job.json");
        File.WriteAllText(job, """
            {"kind":"nas","supernet":"toy","agent":"evolution","evolution":{"population":4},"constraint":{"metric":"params","max":100000},
             "budget":{"evaluations":12},"predictor":{"model":"fasttree","confirm":2},"seed":1}
            """);
        string result = Path.Combine(_data.Root, "out", "result.json");
        var run = await CliRunner.InProcess("run", job, "--out", result, "--json", "--data-dir", _data.Root);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var file = JsonDocument.Parse(await File.ReadAllTextAsync(result)).RootElement;
        Assert.Equal(12, file.GetProperty("predicted").GetInt32());
        Assert.Equal(2, file.GetProperty("candidates").GetArrayLength());
        Assert.All(file.GetProperty("candidates").EnumerateArray(), c => Assert.True(c.GetProperty("metrics").TryGetProperty("predictedAccuracy", out _)));
    }

    [Fact]
    public async Task A_sweep_of_a_supernet_tables_every_layer_any_of_its_sub_networks_has()
    {
        Assert.Equal(0, (await Train()).ExitCode);

        var sweep = await CliRunner.InProcess("sweep", "--target", "bismo", "--supernet", "toy", "--variants", "0", "--name", "toy-lut", "--json", "--data-dir", _data.Root);

        Assert.True(sweep.ExitCode == 0, sweep.Stderr);
        var layout = SavedSupernet.Load(Path.Combine(_data.Root, "supernets", "toy", "supernet")).Layout;
        var space = new SubnetSpace(layout);
        var measured = HardwareTargets.Resolve("bismo", _data.Folder);
        var table = HardwareTargets.Resolve("lut:toy-lut", _data.Folder);
        var random = new SplitMix64(5);
        for (int i = 0; i < 10; i++)
        {
            var spec = SubnetExtraction.Spec(layout, space.Sample(random), "probe");
            Assert.Equal(measured.Measure(spec).Latency.Value, table.Measure(spec).Latency.Value, 9); // looked up, never interpolated
        }
    }

    [Theory]
    [InlineData("extract", "no saved super-network 'missing'")]
    [InlineData("layout", "layout 'huge' is unknown")]
    public async Task Bad_input_gives_one_error_line_and_a_non_zero_exit(string problem, string message)
    {
        var outcome = problem == "extract"
            ? await CliRunner.InProcess("supernet", "extract", "--supernet", "missing", "--choice", "largest", "--json", "--data-dir", _data.Root)
            : await Train("huge");

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains(message, outcome.Stderr);
    }
}
