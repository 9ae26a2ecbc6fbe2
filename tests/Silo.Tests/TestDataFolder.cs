using AutoDesign.Modeling;

namespace AutoDesign.Silo.Tests;

/// <summary>A private data folder whose datasets/ links to the default one, so published data sets are fetched once per machine.</summary>
public sealed class TestDataFolder : IDisposable
{
    public TestDataFolder()
    {
        Root = Directory.CreateTempSubdirectory("autodesign-cli-").FullName;
        var shared = DataFolder.Default().Datasets;
        Directory.CreateDirectory(shared);
        Directory.CreateSymbolicLink(Path.Combine(Root, "datasets"), shared);
    }

    public string Root { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
