using System.CommandLine;
using System.Text.Json;
using AutoDesign.Search.Jobs;

namespace AutoDesign.Cli;

/// <summary><c>autodesign run JOB.json --out RESULT.json</c>: runs a design job in-process and writes its result.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var jobFile = new Argument<FileInfo>("job") { Description = "The job spec (JSON), e.g. {\"kind\":\"prune\",\"model\":\"lenet5\",...}." };
        var output = new Option<FileInfo>("--out", "-o") { Description = "Where to write the result (default: result.json).", DefaultValueFactory = _ => new FileInfo("result.json") };
        var json = CommonOptions.Json();
        var dataDir = CommonOptions.DataDir();
        var command = new Command("run", "Run a job (prune, quantize, nas, codesign, formats, heads or train) in-process and write the result file; the best model is saved beside it.")
        {
            jobFile, output, json, dataDir,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            using var context = new CommandContext(parse, parse.GetValue(json));
            return await context.RunAsync(async () =>
            {
                var file = parse.GetRequiredValue(jobFile);
                if (!file.Exists) throw new FileNotFoundException($"{file.FullName}: no such job file");
                var folder = CommonOptions.Folder(parse.GetValue(dataDir));
                JobSpec spec;
                JobPlan plan;
                try
                {
                    spec = RequestJson.Parse<JobSpec>(File.ReadAllText(file.FullName), "job spec", "spec");
                    plan = JobKinds.Of(spec).Plan(spec, folder);
                }
                catch (InvalidSpecException e)
                {
                    foreach (var error in e.Errors) context.Error.WriteLine($"error: {error.Field}: {error.Reason}");
                    if (context.Json) context.Out.WriteLine(JsonSerializer.Serialize(new { errors = e.Errors }, AutoDesignJson.Indented));
                    return 1;
                }

                var outFile = parse.GetRequiredValue(output);
                var progress = new ProgressLine(context.Error);
                var kind = JobKinds.Of(plan);
                var summary = kind.Summarize(plan);
                var result = await kind.RunAsync(plan, new JobContext(folder, context.Logger)
                {
                    BestModelDirectory = Path.ChangeExtension(outFile.FullName, null) + ".best",
                    Progress = p => progress.Show($"{summary.Step} {p.Episode}/{p.Episodes}  best {summary.Score} {summary.FormatScore(p.BestAccuracy)}  " +
                                                  $"last {summary.FormatScore(p.LastAccuracy)} at {p.LastCost:G4}{(summary.CostUnit == "" ? "" : " " + summary.CostUnit)}" +
                                                  (p.BudgetLimit is { } limit ? $" (budget {limit:G4})" : "")),
                    Cancellation = cancellation,
                });
                result = result with { Spec = spec };
                progress.Clear();

                Directory.CreateDirectory(outFile.DirectoryName!);
                string temporary = outFile.FullName + ".tmp";
                File.WriteAllText(temporary, JsonSerializer.Serialize(result, AutoDesignJson.Indented));
                File.Move(temporary, outFile.FullName, overwrite: true);

                var best = result.Best;
                context.Result(new
                {
                    result = outFile.FullName,
                    bestModel = best.SavedModel,
                    budgetLimit = result.BudgetLimit,
                    @base = result.Base,
                    best = new { best.Index, best.Accuracy, best.TestAccuracy, recoveredTestAccuracy = best.Recovered?.TestAccuracy, best.Flops, best.Params, best.ConstrainedValue },
                    result.Evaluations,
                    evaluationsPerSecond = Math.Round(result.EvaluationsPerSecond, 3),
                    seconds = Math.Round(result.Seconds, 1),
                }, o =>
                {
                    if (kind.Trains)
                    {
                        o.WriteLine($"{spec.Kind} {summary.Subject} on {summary.Dataset}, {plan.Agent}: validation accuracy {best.Accuracy:P2}, test accuracy {best.TestAccuracy:P2} " +
                                    $"after {result.Candidates.Count} epochs; {best.Flops:N0} MACs, {best.Params:N0} parameters");
                        o.WriteLine($"  the {best.Metrics!["workers"]:F0} workers sent {best.Metrics["bytesSent"]:N0} bytes, {best.Metrics["compressionRatio"]:F1}x less than dense " +
                                    $"({best.Metrics["denseBytes"]:N0}); {best.ConstrainedValue:N0} bytes per worker and step in the last epoch; " +
                                    $"{best.Metrics["exchangeSeconds"]:F1} s in the exchange of {best.Metrics["trainingSeconds"]:F1} s");
                        o.WriteLine($"  result: {outFile.FullName}" + (best.SavedModel != "" ? $"; model: {best.SavedModel}" : ""));
                        return;
                    }
                    string budget = result.BudgetLimit is { } limit ? $" (budget {limit:G6})" : "";
                    o.WriteLine($"{spec.Kind} {summary.Subject} on {summary.Dataset}, {plan.Agent}: best candidate {best.Index} at {best.ConstrainedValue:G6} {result.Constraint.Unit}{budget}; " +
                                (best.Flops is { } macs ? $"{macs:N0} MACs, {best.Params:N0} parameters (base {result.Base.Flops:N0}, {result.Base.Params:N0})" : "a table row"));
                    o.WriteLine($"  validation {summary.Score} {summary.FormatScore(best.Accuracy)} (base {summary.FormatScore(result.Base.Accuracy)}), " +
                                $"test {summary.Score} {summary.FormatScore(best.TestAccuracy)}" +
                                (best.Recovered is { } r ? $", {r.TestAccuracy:P2} after {r.Epochs} epochs of recovery" : "") +
                                (result.Base.TestAccuracy is { } baseTest ? $" (base {summary.FormatScore(baseTest)})" : ""));
                    var formats = best.Policy.Where(p => p.WBits is not null && p.Choice is not null).ToList();
                    var bits = best.Policy.Where(p => p.WBits is not null && p.Choice is null).ToList();
                    var choices = best.Policy.Where(p => p.Choice is not null && p.WBits is null && p.KeepRatio is null).ToList();
                    if (formats.Count > 0) o.WriteLine($"  formats: {string.Join(", ", formats.Select(p => $"{p.Layer} {p.Choice}"))}");
                    if (choices.Count > 0 && choices.Count + bits.Count == best.Policy.Count)
                        o.WriteLine($"  choices: {string.Join(", ", choices.Select(p => $"{p.Layer} {p.Choice}"))}");
                    if (bits.Count > 0) o.WriteLine($"  bits (weights/activations): {string.Join(", ", bits.Select(p => $"{p.Layer} {p.WBits}/{p.ABits}"))}");
                    if (result.Predictor is { } predictor)
                        o.WriteLine($"  predictor: {predictor.Model} " + (predictor.QuantizedSamples is { } quantized
                                        ? $"on {quantized} designs at their bits, " + (predictor.Transferred == true ? $"transferred from one on {predictor.Samples} sub-networks at full precision" : "from scratch")
                                        : $"on {predictor.Samples} sub-networks") +
                                    (result.Predicted is { } predicted ? $"; {predicted:N0} designs predicted" : ""));
                    if (best.Metrics?.GetValueOrDefault("testPerplexity") is > 0 and var perplexity)
                        o.WriteLine($"  test perplexity {perplexity:F3}" + (best.Metrics.GetValueOrDefault("floatTestPerplexity") is > 0 and var basePerplexity ? $" (base {basePerplexity:F3})" : ""));
                    foreach (var (name, value) in best.Measured ?? new Dictionary<string, double>()) o.WriteLine($"  {name}: {value:G4}");
                    o.WriteLine($"  {result.Evaluations} evaluations, {result.EvaluationsPerSecond:F2} per second, {result.Seconds:F0} s in all");
                    o.WriteLine($"  result: {outFile.FullName}" + (best.SavedModel != "" ? $"; model: {best.SavedModel}" : ""));
                });
                return 0;
            });
        });
        return command;
    }
}
