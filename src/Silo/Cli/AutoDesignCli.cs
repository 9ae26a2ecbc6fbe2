using System.CommandLine;

namespace AutoDesign.Silo.Cli;

/// <summary>The <c>autodesign</c> command line: one sub-command per file in this folder.</summary>
public static class AutoDesignCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("AutoDesign: hardware-aware design automation of neural networks (pruning, mixed precision, architecture search).")
        {
            DoctorCommand.Create(),
            InspectCommand.Create(),
            TrainCommand.Create(),
            EvaluateCommand.Create(),
            RunCommand.Create(),
        };
        return root;
    }

    public static Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var configuration = new InvocationConfiguration
        {
            Output = stdout ?? Console.Out,
            Error = stderr ?? Console.Error,
        };
        return Build().Parse(args).InvokeAsync(configuration);
    }
}
