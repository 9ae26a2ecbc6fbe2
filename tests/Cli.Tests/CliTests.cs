using System.Text.Json;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Zoo;

namespace AutoDesign.Cli.Tests;

public sealed class CliTests : IDisposable
{
    private readonly TestDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Inspect_prints_the_layer_table_and_totals_as_json()
    {
        var outcome = await CliRunner.InProcess("inspect", "--model", "resnet20", "--dataset", "fashion-mnist", "--json");

        Assert.Equal(0, outcome.ExitCode);
        var json = outcome.Json();
        var expected = ModelZoo.Create("resnet20", new InputSpec(1, 28, 28), 10).Analyze();
        Assert.Equal(expected.Macs, json.GetProperty("macs").GetInt64());
        Assert.Equal(expected.Params, json.GetProperty("params").GetInt64());
        var stem = json.GetProperty("layers")[0];
        Assert.Equal("stem", stem.GetProperty("name").GetString());
        Assert.Equal("conv", stem.GetProperty("op").GetString());
        Assert.Equal("16x28x28", stem.GetProperty("outputShape").GetString());
        Assert.Equal(expected.ChannelGroups.Count, json.GetProperty("channelGroups").GetArrayLength());
    }

    [Fact]
    public async Task Inspect_reads_a_spec_file_and_prints_a_table_without_json()
    {
        string path = Path.Combine(_data.Root, "net.json");
        ModelSpecJson.Save(ModelZoo.Create("vgg-small-w0.5", new InputSpec(1, 28, 28), 10), path);

        var outcome = await CliRunner.InProcess("inspect", "--model", path);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("conv1_1", outcome.Stdout);
        Assert.Contains("channel groups", outcome.Stdout);
    }

    [Theory]
    [InlineData("inspect", "--model", "alexnet", "unknown model 'alexnet'")]
    [InlineData("inspect", "--model", "lenet5", "unknown data set 'cifar100'")]
    [InlineData("train", "--model", "lenet5", "epochs must be at least 1")]
    [InlineData("evaluate", "--model", "lenet5", "no trained 'lenet5' on 'mnist'")]
    public async Task Bad_input_gives_one_error_line_a_json_error_and_a_non_zero_exit(string command, string option, string value, string message)
    {
        string[] args = command switch
        {
            "inspect" when value == "lenet5" => [command, option, value, "--dataset", "cifar100", "--json"],
            "train" => [command, option, value, "--dataset", "mnist", "--epochs", "0", "--json", "--data-dir", _data.Root],
            "evaluate" => [command, option, value, "--dataset", "mnist", "--json", "--data-dir", _data.Root],
            _ => [command, option, value, "--json"],
        };

        var outcome = await CliRunner.InProcess(args);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains(message, outcome.Json().GetProperty("error").GetProperty("message").GetString());
        Assert.StartsWith("error: ", outcome.Stderr.Trim().Split('\n')[^1]);
    }

    [Fact]
    public async Task A_usage_error_with_json_is_still_one_json_object()
    {
        var outcome = await CliRunner.InProcess("inspect", "--json", "--modell", "lenet5");

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("--modell", outcome.Json().GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Doctor_reports_each_check_and_passes_on_this_machine()
    {
        var outcome = await CliRunner.InProcess("doctor", "--json", "--data-dir", _data.Root);

        var json = outcome.Json();
        var checks = json.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("ok").GetBoolean());
        Assert.Equal(["torch", "convolutions", "data folder", "mnist", "fashion-mnist"], checks.Keys);
        Assert.True(checks["torch"]);
        Assert.True(checks["convolutions"]);
        Assert.True(checks["data folder"]);
        Assert.Equal(json.GetProperty("ok").GetBoolean() ? 0 : 1, outcome.ExitCode);
    }

    [Fact]
    public async Task The_first_start_on_a_machine_checks_its_convolutions_and_remembers_the_instruction_set_to_use()
    {
        // A machine never seen: its own data folder, no cap in the environment.
        var environment = new Dictionary<string, string?> { [DataFolder.EnvironmentVariable] = _data.Root, [TorchRuntime.IsaVariable] = null };
        string file = IsaVerdict.FileFor(new DataFolder(_data.Root));
        string Convolutions(CliRunner.Outcome o) =>
            o.Json().GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "convolutions").GetProperty("detail").GetString()!;

        var first = await CliRunner.AsProcess(environment, "doctor", "--json");

        Assert.True(File.Exists(file), first.Stderr);
        var verdict = JsonSerializer.Deserialize<IsaVerdict>(await File.ReadAllTextAsync(file))!;
        Assert.Equal(verdict.Error < IsaVerdict.Tolerance ? "ALL" : TorchRuntime.SafeIsa, verdict.Isa); // the fast kernels only where they were right
        Assert.Contains($"{TorchRuntime.IsaVariable}={verdict.Isa}, this CPU's self-check", Convolutions(first));

        var second = await CliRunner.AsProcess(environment, "doctor", "--json");

        Assert.Equal(verdict, JsonSerializer.Deserialize<IsaVerdict>(await File.ReadAllTextAsync(file))); // checked once
        Assert.Contains($"{TorchRuntime.IsaVariable}={verdict.Isa}, this CPU's self-check", Convolutions(second));
        var chosen = await CliRunner.AsProcess(new Dictionary<string, string?>(environment) { [TorchRuntime.IsaVariable] = TorchRuntime.SafeIsa }, "doctor", "--json");
        Assert.Contains($"{TorchRuntime.IsaVariable}={TorchRuntime.SafeIsa}, set in the environment", Convolutions(chosen)); // the user's choice wins
    }

    [Fact]
    public async Task Doctor_fails_with_a_fix_when_the_data_folder_is_not_writable()
    {
        string file = Path.Combine(_data.Root, "a-file");
        await File.WriteAllTextAsync(file, "not a folder");

        var outcome = await CliRunner.InProcess("doctor", "--data-dir", file);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("FAIL data folder", outcome.Stdout);
        Assert.Contains("fix: pass --data-dir", outcome.Stdout);
    }

    [Fact]
    public async Task Train_prints_one_json_object_then_serves_the_cache_and_evaluate_agrees()
    {
        string[] train = ["train", "--model", "lenet5-w0.5", "--dataset", "mnist", "--epochs", "1", "--train-limit", "2000",
            "--optimizer", "adam", "--lr", "0.01", "--json", "--data-dir", _data.Root];

        var first = await CliRunner.AsProcess(train);
        Assert.True(first.ExitCode == 0, first.Stderr);
        var result = first.Json(); // the whole of stdout parses as one object: logs went to stderr
        Assert.False(result.GetProperty("fromCache").GetBoolean());
        Assert.Contains("Epoch 1/1", first.Stderr);
        double testAccuracy = result.GetProperty("testAccuracy").GetDouble();
        Assert.InRange(testAccuracy, 0.7, 1.0);

        var second = await CliRunner.InProcess(train);
        Assert.True(second.Json().GetProperty("fromCache").GetBoolean());

        var evaluation = await CliRunner.InProcess("evaluate", "--model", "lenet5-w0.5", "--dataset", "mnist", "--json", "--data-dir", _data.Root);
        Assert.Equal(0, evaluation.ExitCode);
        Assert.Equal(testAccuracy, evaluation.Json().GetProperty("accuracy").GetDouble(), 6);
        Assert.Equal(10_000, evaluation.Json().GetProperty("count").GetInt32());

        var byFolder = await CliRunner.InProcess("evaluate", "--model", result.GetProperty("directory").GetString()!, "--split", "validation", "--json", "--data-dir", _data.Root);
        Assert.Equal(5_000, byFolder.Json().GetProperty("count").GetInt32());
    }
}
