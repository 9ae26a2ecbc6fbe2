using AutoDesign.Modeling;

namespace AutoDesign.Tests;

/// <summary>
/// A fresh data folder for one test whose datasets/ links to the default folder's, so the published data sets
/// are fetched once per machine while models and other state stay private to the test.
/// </summary>
public sealed class TestDataFolder : IDisposable
{
    public TestDataFolder()
    {
        Root = Directory.CreateTempSubdirectory("autodesign-test-").FullName;
        var shared = DataFolder.Default().Datasets;
        Directory.CreateDirectory(shared);
        Directory.CreateSymbolicLink(Path.Combine(Root, "datasets"), shared);
        Folder = new DataFolder(Root);
    }

    public string Root { get; }

    public DataFolder Folder { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
