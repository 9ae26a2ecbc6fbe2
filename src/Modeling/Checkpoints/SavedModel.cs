using System.Text.Json;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;

namespace AutoDesign.Modeling.Checkpoints;

/// <summary>
/// A trained model on disk: a folder with spec.json (the <see cref="ModelSpec"/>), weights.dat (TorchSharp's
/// state-dict format, keys named after the layers) and model.json (its <see cref="ModelCard"/>).
/// </summary>
public sealed record SavedModel(string Directory, ModelSpec Spec, ModelCard Card)
{
    public const string SpecFile = "spec.json", WeightsFile = "weights.dat", CardFile = "model.json";


    public static bool IsSavedModel(string directory) =>
        File.Exists(Path.Combine(directory, SpecFile)) && File.Exists(Path.Combine(directory, WeightsFile));

    /// <summary>Writes the model into <paramref name="directory"/> through a staging folder, so a crash never leaves half a model.</summary>
    /// <param name="files">Files kept beside it (deployable exports), by file name.</param>
    public static SavedModel Save(string directory, SpecNetwork network, ModelCard card, IReadOnlyDictionary<string, byte[]>? files = null)
    {
        string staging = directory.TrimEnd(Path.DirectorySeparatorChar) + $".{Guid.NewGuid():N}.saving";
        System.IO.Directory.CreateDirectory(staging);
        ModelSpecJson.Save(network.Spec, Path.Combine(staging, SpecFile));
        network.save(Path.Combine(staging, WeightsFile));
        File.WriteAllText(Path.Combine(staging, CardFile), JsonSerializer.Serialize(card, AutoDesignJson.Indented));
        foreach (var (name, bytes) in files ?? new Dictionary<string, byte[]>())
        {
            if (Path.GetFileName(name) != name || name is SpecFile or WeightsFile or CardFile) throw new ArgumentException($"'{name}' is not a file name a saved model can keep", nameof(files));
            File.WriteAllBytes(Path.Combine(staging, name), bytes);
        }
        if (System.IO.Directory.Exists(directory)) System.IO.Directory.Delete(directory, recursive: true);
        System.IO.Directory.Move(staging, directory);
        return new SavedModel(directory, network.Spec, card);
    }

    public static SavedModel Load(string directory)
    {
        if (!IsSavedModel(directory))
            throw new FileNotFoundException($"{directory} is not a saved model (it needs {SpecFile} and {WeightsFile})");
        var spec = ModelSpecJson.Load(Path.Combine(directory, SpecFile));
        string cardPath = Path.Combine(directory, CardFile);
        var card = File.Exists(cardPath)
            ? JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(cardPath), AutoDesignJson.Options)!
            : throw new FileNotFoundException($"{cardPath} is missing: the model's normalisation and origin are unknown");
        return new SavedModel(directory, spec, card);
    }

    /// <summary>Builds the network and loads the weights; the caller owns (and disposes) it.</summary>
    public SpecNetwork CreateNetwork()
    {
        var network = new SpecNetwork(Spec);
        network.load(Path.Combine(Directory, WeightsFile));
        network.Quantize(Card.Quantization);
        network.eval();
        return network;
    }
}
