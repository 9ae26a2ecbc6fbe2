using AutoDesign.Tests;

namespace AutoDesign.Cli.Tests;

public sealed class ImportCommandTests : IDisposable
{
    private readonly TestDataFolder _data = new();
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "fixtures", "fixture-opset13.onnx");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task An_imported_model_is_checked_registered_and_taken_by_evaluate_and_export()
    {
        var imported = await CliRunner.InProcess("import", Fixture, "--name", "mine", "--dataset", "fashion-mnist", "--check", "--json", "--data-dir", _data.Root);

        Assert.True(imported.ExitCode == 0, imported.Stderr);
        var json = imported.Json();
        Assert.Equal("upload:mine", json.GetProperty("model").GetString());
        Assert.True(json.GetProperty("check").GetProperty("torchSharpDifference").GetDouble() < 1e-4);
        Assert.True(json.GetProperty("check").GetProperty("reexportDifference").GetDouble() < 1e-4);
        double accuracy = json.GetProperty("testAccuracy").GetDouble();

        var inspected = await CliRunner.InProcess("inspect", "--model", "upload:mine", "--dataset", "fashion-mnist", "--json", "--data-dir", _data.Root);
        Assert.True(inspected.ExitCode == 0, inspected.Stderr);
        Assert.Equal(json.GetProperty("macs").GetInt64(), inspected.Json().GetProperty("macs").GetInt64());

        var evaluated = await CliRunner.InProcess("evaluate", "--model", "upload:mine", "--json", "--data-dir", _data.Root);
        Assert.True(evaluated.ExitCode == 0, evaluated.Stderr);
        Assert.Equal(accuracy, evaluated.Json().GetProperty("accuracy").GetDouble(), 6);

        string onnx = Path.Combine(_data.Root, "back.onnx");
        var exported = await CliRunner.InProcess("export", "--model", "upload:mine", "--dataset", "fashion-mnist", "--format", "onnx", "--out", onnx, "--json", "--data-dir", _data.Root);
        Assert.True(exported.ExitCode == 0, exported.Stderr);
        Assert.True(exported.Json().GetProperty("trained").GetBoolean());
        Assert.True(new FileInfo(onnx).Length > 10_000);
    }

    [Fact]
    public async Task A_file_that_is_not_onnx_is_refused_and_nothing_is_registered()
    {
        string bad = Path.Combine(_data.Root, "notes.onnx");
        await File.WriteAllTextAsync(bad, "these are not the weights you are looking for");

        var outcome = await CliRunner.InProcess("import", bad, "--name", "bad", "--data-dir", _data.Root);

        Assert.NotEqual(0, outcome.ExitCode);
        Assert.Contains("not an ONNX model", outcome.Stderr);
        Assert.DoesNotContain("weights you are looking", outcome.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_data.Root, "models", "uploads", "bad")));
    }

    [Fact]
    public async Task A_model_whose_classes_do_not_match_the_data_set_is_refused()
    {
        var outcome = await CliRunner.InProcess("import", Fixture, "--name", "wrong", "--dataset", "imagenet", "--data-dir", _data.Root);

        Assert.NotEqual(0, outcome.ExitCode);
        Assert.Contains("10 classes", outcome.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_data.Root, "models", "uploads", "wrong")));
    }
}
