namespace AutoDesign.Modeling.Data;

/// <summary>Where one data set comes from, and how it is verified and split.</summary>
public interface IDatasetSource
{
    DatasetInfo Info { get; }

    /// <summary>True when loading needs no download.</summary>
    bool IsCached(DataFolder folder);

    /// <summary>Fetches on first use, verifies counts, shapes and labels, and splits. Throws <see cref="DatasetException"/> or <see cref="DataFormatException"/>.</summary>
    Dataset Load(DataFolder folder);
}
