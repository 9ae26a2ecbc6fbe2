namespace AutoDesign.Modeling.Data;

/// <summary>A data set known by its shape alone (imagenet: 3x224x224, 1,000 classes), for building and profiling models; it has no images.</summary>
internal sealed class ShapeOnlySource(DatasetInfo info) : IDatasetSource
{
    public DatasetInfo Info => info;

    public bool IsCached(DataFolder folder) => false;

    public Dataset Load(DataFolder folder) =>
        throw new DatasetException($"'{info.Name}' is a shape ({info.Shape}, {info.Classes} classes) for profiling; it has no images to train or evaluate on");
}
