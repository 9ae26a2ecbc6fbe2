using AutoDesign.Modeling;
using AutoDesign.Modeling.Inputs;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Search.Architecture.Predictor;
using AutoDesign.Search.Jobs;

namespace AutoDesign.Search.Kinds.Common;

/// <summary>The checks every kind that searches a saved super-network makes: that it exists and can be read, its data set, its measured sub-networks.</summary>
internal static class SupernetChecks
{
    /// <returns>The saved super-network and its folder, or null with the problem recorded under <c>supernet</c> or <c>dataset</c>.</returns>
    public static (SavedSupernet Saved, string Directory)? Locate(string? name, string? dataset, DataFolder folder, SpecErrors errors)
    {
        int before = errors.Count;
        SavedSupernet? saved = null;
        string? directory = null;
        try { directory = string.IsNullOrWhiteSpace(name) ? null : SupernetFolders.Locate(name, folder); }
        catch (InputFileException e) { errors.Add("supernet", e.Message); }
        if (directory is null && errors.Count == before)
            errors.Add("supernet", string.IsNullOrWhiteSpace(name)
                ? "is required: a saved super-network ('autodesign supernet train' makes one)"
                : $"no saved super-network '{name}' (a folder with {SavedSupernet.CardFile} and {SavedSupernet.WeightsFile}, or a name under the data folder's supernets/; 'autodesign supernet train' makes one)");
        else if (directory is not null)
        {
            try { saved = SavedSupernet.Load(directory); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                errors.Add("supernet", $"'{name}' cannot be read: {e.Message}");
            }
            catch (System.Text.Json.JsonException e)
            {
                errors.Add("supernet", $"'{name}' {ParseErrors.Describe(e, InputFormat.SupernetCard)}");
            }
        }
        if (saved is not null && dataset is not null && dataset != saved.Dataset)
            errors.Add("dataset", $"'{dataset}' is not the data set super-network '{name}' was trained on ({saved.Dataset})");
        return saved is null || errors.Count > before ? null : (saved, directory!);
    }

    /// <summary>Records under <paramref name="field"/> why the super-network's measured sub-networks cannot fit a predictor; true when they can.</summary>
    public static bool HasSamples(string name, string directory, string field, SpecErrors errors)
    {
        int before = errors.Count;
        AccuracySampleFile? samples = null;
        string command = $"run 'autodesign supernet sample --supernet {name}'";
        try { samples = AccuracySampleFile.TryLoad(directory); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            errors.Add(field, $"the measured sub-networks of '{name}' ({AccuracySampleFile.JsonName}) cannot be read");
        }
        if (samples is null && errors.Count == before)
            errors.Add(field, $"super-network '{name}' has no measured sub-networks to fit a predictor on: {command}");
        else if (samples is not null && !samples.Layout.SameAs(SavedSupernet.Load(directory).Layout))
            errors.Add(field, $"the measured sub-networks of '{name}' are of another super-network layout: {command} again");
        else if (samples is not null && samples.Samples.Count < AccuracyPredictors.MinimumSamples)
            errors.Add(field, $"super-network '{name}' has {samples.Samples.Count} measured sub-networks; a predictor needs at least {AccuracyPredictors.MinimumSamples}: {command} --count 200");
        return errors.Count == before;
    }
}
