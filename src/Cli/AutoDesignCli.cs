using System.CommandLine;

namespace AutoDesign.Cli;

/// <summary>The <c>autodesign</c> command line: one sub-command per file in this folder.</summary>
public static class AutoDesignCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("AutoDesign: hardware-aware design automation of neural networks (pruning, mixed precision, architecture search).")
        {
            DoctorCommand.Create(),
            InspectCommand.Create(),
            ImportCommand.Create(),
            TrainCommand.Create(),
            SupernetCommand.Create(),
            EvaluateCommand.Create(),
            RunCommand.Create(),
            ProfileCommand.Create(),
            ExportCommand.Create(),
            SweepCommand.Create(),
            ServeCommand.Create(),
            ApiKeyCommand.Create(),
        };
        ServeCommand.Configure(root); // serving is what the program does when given no command
        return root;
    }

    public static Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var configuration = new InvocationConfiguration
        {
            Output = stdout ?? Console.Out,
            Error = stderr ?? Console.Error,
        };
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0 && args.Contains("--json"))
        {
            // Scripts asked for JSON: a usage error is one JSON object too, not System.CommandLine's help text.
            foreach (var error in parse.Errors) configuration.Error.WriteLine($"error: {error.Message}");
            configuration.Output.WriteLine(System.Text.Json.JsonSerializer.Serialize(
                new { error = new { message = string.Join("; ", parse.Errors.Select(e => e.Message)) } }, AutoDesignJson.Indented));
            return Task.FromResult(1);
        }
        return parse.InvokeAsync(configuration);
    }
}
