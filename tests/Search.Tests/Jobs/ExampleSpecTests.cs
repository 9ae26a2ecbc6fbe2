using AutoDesign.Modeling;

namespace AutoDesign.Search.Tests.Jobs;

/// <summary>The README's example specs plan as they are written.</summary>
public class ExampleSpecTests
{
    public static TheoryData<string> Examples()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "AutoDesign.sln"))) directory = directory.Parent;
        return [.. Directory.GetFiles(Path.Combine(directory!.FullName, "examples"), "*.json").Order(StringComparer.Ordinal)];
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void An_example_spec_plans(string path)
    {
        var spec = TestJobs.Parse(File.ReadAllText(path));
        Assert.Equal(spec.Kind, TestJobs.Plan(spec, DataFolder.Default()).Kind);
    }
}
