using AutoDesign.Contracts;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Import;
using AutoDesign.Modeling.Inputs;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Zoo;
using AutoDesign.Host.Hosting;
using AutoDesign.Host.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AutoDesign.Host.Api;

/// <summary><c>/api/models</c>: the zoo, the trained models, and uploads (a spec, with or without weights, or an ONNX file).</summary>
internal static class ModelEndpoints
{
    public static void MapModels(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/models", (DataFolder folder) => TypedResults.Ok(new ModelsView(
                ModelZoo.Families,
                "a family, then optionally -w<width multiplier> and -d<depth multiplier>, e.g. resnet20-w0.5 or mobilenet-v2-w0.75",
                new ModelStore(folder).All().Select(m => new TrainedModelView(m.Card.Model, m.Card.Dataset, m.Card.Macs, m.Card.Params,
                    m.Card.TestAccuracy, m.Card.CreatedAt, folder.Portable(m.Directory))).ToList(),
                new UploadedModels(folder).All(),
                DatasetCatalog.BuiltIn)))
            .WithTags("Models").WithSummary("The model zoo, the models trained so far, and uploads (named upload:NAME in job specs).");
        app.MapPost("/api/models", Upload).RequireAuthorization(ApiKeyAuthentication.MutatePolicy).WithTags("Models")
            .WithSummary("Upload a model as multipart/form-data: name, dataset, and either spec (ModelSpec JSON file) with optional weights " +
                         "(TorchSharp state dict), or onnx (a CNN exported to ONNX, imported with its weights).");
    }

    private static async Task<Results<Created<UploadedModelView>, ValidationProblem, ProblemHttpResult>> Upload(
        HttpRequest request, DataFolder folder, IOptions<ServiceOptions> options, CancellationToken cancellation)
    {
        long limit = options.Value.MaxUploadBytes;
        if (request.ContentLength > limit)
            return TypedResults.Problem($"the upload is larger than {limit:N0} bytes", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Upload too large");
        if (!request.HasFormContentType) return Invalid("spec", "send multipart/form-data with fields name and dataset and files spec and (optionally) weights, or onnx");
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit;
        var form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = limit }, cancellation);

        var errors = new Dictionary<string, string[]>();
        string name = form["name"].ToString(), dataset = form["dataset"].ToString();
        var uploads = new UploadedModels(folder);
        if (name.Length is 0 or > 64 || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains('/') || name.StartsWith('.'))
            errors["name"] = ["must be a plain name of 1 to 64 characters"];
        else if (uploads.Exists(name)) errors["name"] = [$"there is already an upload named '{name}'"];
        try { DatasetCatalog.InfoOf(dataset, folder); }
        catch (DatasetException e) { errors["dataset"] = [e.Message]; }
        if (form.Files["onnx"] is { } onnxFile)
        {
            if (form.Files["spec"] is not null || form.Files["weights"] is not null) errors["onnx"] = ["send either onnx or spec (and weights), not both"];
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The upload is not valid");
            return await Import(name, dataset, onnxFile, folder, uploads, cancellation);
        }
        ModelSpec? spec = null;
        if (form.Files["spec"] is not { } specFile) errors["spec"] = ["is required: the model's spec as a JSON file"];
        else if (specFile.Length > InputFormat.ModelSpec.MaxBytes) errors["spec"] = [$"has {specFile.Length:N0} bytes; {InputFormat.ModelSpec.Description} may have at most {InputFormat.ModelSpec.MaxBytes:N0}"];
        else
        {
            try
            {
                using var reader = new StreamReader(specFile.OpenReadStream());
                spec = ModelSpecJson.Deserialize(await reader.ReadToEndAsync(cancellation));
                folder.Access.ModelLimits.Check(spec);
            }
            catch (Exception e) when (e is ArgumentException or System.Text.Json.JsonException or InvalidOperationException or FormatException)
            {
                errors["spec"] = [e.Message];
            }
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The upload is not valid");

        byte[]? weights = null;
        if (form.Files["weights"] is { } weightsFile)
        {
            using var buffer = new MemoryStream();
            await weightsFile.CopyToAsync(buffer, cancellation);
            weights = buffer.ToArray();
        }
        try
        {
            var saved = await Task.Run(() => uploads.Save(name, dataset, spec!, weights), cancellation);
            return TypedResults.Created("/api/models", saved);
        }
        catch (ArgumentException e)
        {
            string field = e.Message.StartsWith("weights:", StringComparison.Ordinal) ? "weights" : "spec";
            return Invalid(field, e.Message[(e.Message.IndexOf(':') + 1)..].Trim());
        }
    }

    // Reads the ONNX file into a spec and weights, checks it against the service's model limits and the data set, and stores it.
    private static async Task<Results<Created<UploadedModelView>, ValidationProblem, ProblemHttpResult>> Import(
        string name, string dataset, IFormFile file, DataFolder folder, UploadedModels uploads, CancellationToken cancellation)
    {
        if (file.Length > InputFormat.Onnx.MaxBytes)
            return Invalid("onnx", $"has {file.Length:N0} bytes; {InputFormat.Onnx.Description} may have at most {InputFormat.Onnx.MaxBytes:N0}");
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, cancellation);
        try
        {
            var saved = await Task.Run(() =>
            {
                var imported = OnnxImporter.Import(buffer.ToArray(), name);
                folder.Access.ModelLimits.Check(imported.Spec);
                return uploads.Save(name, dataset, imported);
            }, cancellation);
            return TypedResults.Created("/api/models", saved);
        }
        catch (ArgumentException e)
        {
            string reason = e.Message.StartsWith("spec:", StringComparison.Ordinal) ? e.Message["spec:".Length..].Trim() : e.Message;
            return Invalid("onnx", reason);
        }
    }

    private static ValidationProblem Invalid(string field, string reason) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [reason] }, title: "The upload is not valid");
}
