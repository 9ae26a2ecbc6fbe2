namespace AutoDesign.Contracts;

/// <summary>What a job can start from: zoo families (built for any data set's shape), trained models, uploads, and the built-in data sets.</summary>
public sealed record ModelsView(IReadOnlyList<string> ZooFamilies, string ZooNames, IReadOnlyList<TrainedModelView> Trained, IReadOnlyList<UploadedModelView> Uploaded,
    IReadOnlyList<string> Datasets);

/// <param name="Directory">Where the model is kept, relative to the service's data folder.</param>
public sealed record TrainedModelView(string Model, string Dataset, long Macs, long Params, double? TestAccuracy, DateTimeOffset CreatedAt, string Directory);

/// <summary>A model someone uploaded, named <c>Reference</c> (<c>upload:NAME</c>) in job specs.</summary>
public sealed record UploadedModelView(string Name, string Reference, string Dataset, long Macs, long Params, bool HasWeights, double? TestAccuracy);
