namespace AutoDesign.Cli.Tests;

public sealed class HardwareCommandTests : IDisposable
{
    private readonly TestDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Profile_reports_each_target_with_its_kind_and_per_layer_figures()
    {
        var outcome = await CliRunner.InProcess("profile", "--model", "lenet5", "--target", "bitfusion,gpu-a100", "--precision", "W4A8", "--json");

        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var reports = outcome.Json().GetProperty("reports").EnumerateArray().ToList();
        Assert.Equal(["bitfusion", "gpu-a100"], reports.Select(r => r.GetProperty("target").GetString()));
        Assert.All(reports, r =>
        {
            Assert.Equal("analytic", r.GetProperty("kind").GetString());
            Assert.Equal("ms", r.GetProperty("latency").GetProperty("unit").GetString());
            Assert.Equal(7, r.GetProperty("layers").GetArrayLength());
            Assert.Equal("W4A8", r.GetProperty("conditions").GetProperty("precision").GetString());
        });
    }

    [Theory]
    [InlineData("tpu", "unknown target 'tpu'")]
    [InlineData("bitfusion --precision W40A8", "weight bits must be between 1 and 32")]
    [InlineData("bitfusion --precision eight", "not of the form W<bits>A<bits>")]
    public async Task Bad_targets_and_bit_widths_are_refused(string target, string message)
    {
        var outcome = await CliRunner.InProcess(["profile", "--model", "lenet5", "--json", "--target", .. target.Split(' ')]);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains(message, outcome.Json().GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Sweep_builds_a_table_and_a_predictor_that_profile_can_use()
    {
        var sweep = await CliRunner.InProcess("sweep", "--target", "bismo", "--models", "lenet5,vgg-small-w0.5", "--variants", "4", "--name", "fpga", "--json", "--data-dir", _data.Root);

        Assert.True(sweep.ExitCode == 0, sweep.Stderr);
        Assert.True(File.Exists(Path.Combine(_data.Root, "luts", "fpga.json")));
        Assert.InRange(sweep.Json().GetProperty("predictor").GetProperty("heldOutMape").GetDouble(), 0, 1);

        var profile = await CliRunner.InProcess("profile", "--model", "lenet5", "--target", "bismo,lut:fpga,predictor:fpga", "--json", "--data-dir", _data.Root);
        Assert.True(profile.ExitCode == 0, profile.Stderr);
        var latencies = profile.Json().GetProperty("reports").EnumerateArray().Select(r => r.GetProperty("latency").GetProperty("value").GetDouble()).ToList();
        Assert.Equal(latencies[0], latencies[1], 9); // lenet5 itself was swept: the table reproduces it exactly
        Assert.True(latencies[2] > 0);
    }

    [Fact]
    public async Task Export_writes_onnx_for_a_model_with_or_without_training()
    {
        string path = Path.Combine(_data.Root, "m.onnx");
        var refused = await CliRunner.InProcess("export", "--model", "mobilenet-v1", "--dataset", "imagenet", "--out", path, "--json", "--data-dir", _data.Root);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--untrained", refused.Json().GetProperty("error").GetProperty("message").GetString());

        var written = await CliRunner.InProcess("export", "--model", "lenet5", "--untrained", "--int8", "--out", path, "--json", "--data-dir", _data.Root);
        Assert.True(written.ExitCode == 0, written.Stderr);
        Assert.True(new FileInfo(path).Length > 10_000);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(path);
        Assert.Equal("input", session.InputMetadata.Keys.Single());
    }
}
