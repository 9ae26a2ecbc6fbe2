using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Import;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;

namespace AutoDesign.Modeling.Checkpoints;

/// <summary>
/// Models people bring: a spec, with or without trained weights, kept in the data folder's models/uploads/NAME and
/// named <c>upload:NAME</c> wherever a model is named. With weights it is a saved model that searches start from
/// as it is; a spec alone is trained like a zoo model on first use.
/// </summary>
public sealed class UploadedModels(DataFolder folder)
{
    public const string Prefix = "upload:";

    public string Root => Path.Combine(folder.Models, "uploads");

    /// <summary>The folder or spec file an <c>upload:NAME</c> reference stands for; other references are returned unchanged.</summary>
    public string Locate(string reference)
    {
        if (!reference.StartsWith(Prefix, StringComparison.Ordinal)) return reference;
        string name = reference[Prefix.Length..], directory = Path.Combine(Root, name);
        if (SavedModel.IsSavedModel(directory)) return directory;
        string spec = Path.Combine(directory, SavedModel.SpecFile);
        return File.Exists(spec) ? spec : throw new ArgumentException($"there is no uploaded model '{name}'");
    }

    public bool Exists(string name) => Directory.Exists(Path.Combine(Root, name));

    /// <summary>
    /// Checks and stores an upload: the spec must fit the data set's images and classes, the weights (a TorchSharp
    /// state dict) must fit the spec; with weights, the model's test accuracy on the data set is measured and kept.
    /// Throws <see cref="ArgumentException"/> whose message starts with the field at fault (<c>spec:</c>, <c>weights:</c>).
    /// </summary>
    public UploadedModelView Save(string name, string dataset, ModelSpec spec, byte[]? weights) =>
        Store(name, dataset, spec, weights is null ? null : staging =>
        {
            var network = new SpecNetwork(spec);
            string file = Path.Combine(staging, "upload.dat");
            File.WriteAllBytes(file, weights);
            try { network.load(file); }
            catch (Exception e)
            {
                network.Dispose();
                throw new ArgumentException($"weights: do not fit the spec ({e.Message})");
            }
            File.Delete(file);
            return network;
        });

    /// <summary>
    /// Stores a model imported from ONNX (its spec renamed to the upload), measured like an upload with weights; with no
    /// data set it is stored unmeasured and serves any data set of its input shape and class count.
    /// </summary>
    public UploadedModelView Save(string name, string? dataset, ImportedModel imported)
    {
        var model = imported with { Spec = imported.Spec with { Name = name } };
        return Store(name, dataset, model.Spec, _ => model.CreateNetwork());
    }

    private UploadedModelView Store(string name, string? dataset, ModelSpec spec, Func<string, SpecNetwork>? weighted)
    {
        var info = dataset is null ? null : DatasetCatalog.InfoOf(dataset, folder);
        if (info is not null && (spec.Input != info.Shape || spec.Classes != info.Classes))
            throw new ArgumentException($"spec: takes {spec.Input} inputs and {spec.Classes} classes; {dataset} has {info.Shape} and {info.Classes}");
        string directory = Path.Combine(Root, name), staging = directory + ".uploading";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        try
        {
            double? accuracy = null;
            if (weighted is null) ModelSpecJson.Save(spec, Path.Combine(staging, SavedModel.SpecFile));
            else
            {
                using var network = weighted(staging);
                network.eval();
                var card = new ModelCard
                {
                    Model = Prefix + name, Dataset = dataset ?? "", SpecHash = spec.ContentHash(),
                    Macs = network.Analysis.Macs, Params = network.Analysis.Params, Mean = [], Std = [],
                };
                if (info is { HasImages: true })
                {
                    var data = DatasetCatalog.Load(dataset!, folder);
                    accuracy = Evaluation.Of(network, data.Test, data.Mean, data.Std).Accuracy;
                    card = card with { Mean = data.Mean, Std = data.Std, TestAccuracy = accuracy };
                }
                SavedModel.Save(staging, network, card);
            }
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
            Directory.Move(staging, directory);
            var analysis = spec.Analyze();
            return new UploadedModelView(name, Prefix + name, dataset ?? "", analysis.Macs, analysis.Params, weighted is not null, accuracy);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    public IReadOnlyList<UploadedModelView> All()
    {
        if (!Directory.Exists(Root)) return [];
        var uploads = new List<UploadedModelView>();
        foreach (var directory in Directory.GetDirectories(Root).Where(d => !d.EndsWith(".uploading", StringComparison.Ordinal)).Order())
        {
            string name = Path.GetFileName(directory);
            if (SavedModel.IsSavedModel(directory))
            {
                var saved = SavedModel.Load(directory);
                uploads.Add(new UploadedModelView(name, Prefix + name, saved.Card.Dataset, saved.Card.Macs, saved.Card.Params, true, saved.Card.TestAccuracy));
            }
            else if (File.Exists(Path.Combine(directory, SavedModel.SpecFile)))
            {
                var analysis = ModelSpecJson.Load(Path.Combine(directory, SavedModel.SpecFile)).Analyze();
                uploads.Add(new UploadedModelView(name, Prefix + name, "", analysis.Macs, analysis.Params, false, null));
            }
        }
        return uploads;
    }
}
