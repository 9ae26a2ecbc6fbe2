using System.Text.Json;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Training;

namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// A trained super-network on disk: a folder with supernet.json (layout, data set, normalisation, training history)
/// and weights.dat. Sub-networks taken from it become ordinary <see cref="SavedModel"/>s, which profiling, export,
/// pruning and quantization accept like any other model.
/// </summary>
public sealed record SavedSupernet(
    string Name,
    SupernetLayout Layout,
    string Dataset,
    float[] Mean,
    float[] Std,
    ShrinkingOptions Training,
    IReadOnlyList<ShrinkingEpochReport> History)
{
    public const string CardFile = "supernet.json", WeightsFile = "weights.dat";


    public static bool IsSavedSupernet(string directory) =>
        File.Exists(Path.Combine(directory, CardFile)) && File.Exists(Path.Combine(directory, WeightsFile));

    /// <summary>Writes the card and weights through a staging folder, so a crash never leaves half a super-network.</summary>
    public void Save(string directory, SuperNetwork network)
    {
        string staging = directory.TrimEnd(Path.DirectorySeparatorChar) + $".{Guid.NewGuid():N}.saving";
        Directory.CreateDirectory(staging);
        network.save(Path.Combine(staging, WeightsFile));
        File.WriteAllText(Path.Combine(staging, CardFile), JsonSerializer.Serialize(this, AutoDesignJson.Indented));
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        Directory.Move(staging, directory);
    }

    public static SavedSupernet Load(string directory)
    {
        if (!IsSavedSupernet(directory))
            throw new FileNotFoundException($"{directory} is not a saved super-network (it needs {CardFile} and {WeightsFile})");
        return JsonSerializer.Deserialize<SavedSupernet>(File.ReadAllText(Path.Combine(directory, CardFile)), AutoDesignJson.Options)
               ?? throw new InvalidDataException($"{Path.Combine(directory, CardFile)} is empty");
    }

    /// <summary>Builds the super-network and loads the weights saved in <paramref name="directory"/>; the caller owns it.</summary>
    public SuperNetwork CreateNetwork(string directory)
    {
        var network = new SuperNetwork(Layout);
        network.load(Path.Combine(directory, WeightsFile));
        network.eval();
        return network;
    }

    /// <summary>
    /// Extracts <paramref name="choice"/>, re-estimates its batch norm on <paramref name="recalibrationImages"/>
    /// training images, scores it on the validation and test splits and saves it as a <see cref="SavedModel"/>.
    /// </summary>
    public SavedModel SaveSubnet(SuperNetwork network, SubnetChoice choice, Dataset data, string directory, int recalibrationImages = 2_000)
    {
        using var subnet = Extract(network, choice, data, recalibrationImages);
        return SaveSubnet(subnet, data, directory);
    }

    /// <summary>Extracts <paramref name="choice"/> as a network of its own, its batch norm re-estimated on <paramref name="recalibrationImages"/> training images; the caller owns it.</summary>
    public Torch.SpecNetwork Extract(SuperNetwork network, SubnetChoice choice, Dataset data, int recalibrationImages = 2_000)
    {
        string model = $"ofa-{Name}-{string.Concat(network.Space.Encode(network.Space.Canonical(choice)))}";
        var subnet = SubnetExtraction.Extract(network, choice, model);
        using (var source = new BatchSource(data.Train.Sample(recalibrationImages), data.Mean, data.Std))
        using (var scope = TorchSharp.torch.NewDisposeScope())
            BatchNormRecalibration.Apply(subnet, source.Range(0, source.Count).Images);
        return subnet;
    }

    /// <summary>
    /// Scores an extracted (and perhaps fine-tuned: <paramref name="history"/>) sub-network on the validation and test
    /// splits and saves it; a fake-quantized one with its <paramref name="precision"/> and clipping values.
    /// </summary>
    public SavedModel SaveSubnet(Torch.SpecNetwork subnet, Dataset data, string directory, IReadOnlyList<EpochReport>? history = null,
        Specs.PrecisionPolicy? precision = null)
    {
        double validation = Evaluation.Of(subnet, data.Validation, data.Mean, data.Std).Accuracy;
        double test = Evaluation.Of(subnet, data.Test, data.Mean, data.Std).Accuracy;
        var card = new ModelCard
        {
            Model = subnet.Spec.Name,
            Dataset = Dataset,
            SpecHash = subnet.Spec.ContentHash(),
            Macs = subnet.Analysis.Macs,
            Params = subnet.Analysis.Params,
            Mean = Mean,
            Std = Std,
            TestAccuracy = test,
            ValidationAccuracy = validation,
            History = history ?? [],
            Precision = precision,
            Quantization = subnet.Quantization,
        };
        return SavedModel.Save(directory, subnet, card);
    }
}
