using System.CommandLine;
using AutoDesign.Host.Hosting;

namespace AutoDesign.Cli;

/// <summary><c>autodesign serve</c> (the default command): one silo with the REST API on 127.0.0.1.</summary>
internal static class ServeCommand
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    public static Command Create()
    {
        var command = new Command("serve", "Start the service: an Orleans silo with the REST API (OpenAPI at /openapi/v1.json), on 127.0.0.1 by default.")
        {
            TreatUnmatchedTokensAsErrors = false, // configuration such as --AutoDesign:MaxRunningJobs=2 goes to the host
        };
        Configure(command);
        return command;
    }

    /// <summary>Gives a command serve's options and action (the root command serves too).</summary>
    public static void Configure(Command command)
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => DefaultUrls };
        var dataDir = CommonOptions.DataDir();
        var siloPort = new Option<int?>("--silo-port") { Description = "Orleans silo-to-silo port (default 11111)." };
        var gatewayPort = new Option<int?>("--gateway-port") { Description = "Orleans client gateway port (default 30000)." };
        var database = new Option<string?>("--database") { Description = "A PostgreSQL connection string to keep records in (default: SQLite in the data folder)." };
        command.Options.Add(urls);
        command.Options.Add(dataDir);
        command.Options.Add(siloPort);
        command.Options.Add(gatewayPort);
        command.Options.Add(database);
        command.SetAction(async (parse, cancellation) =>
        {
            var settings = new List<string> { "--urls", parse.GetValue(urls)! };
            settings.AddRange(parse.UnmatchedTokens);
            if (parse.GetValue(dataDir) is { } directory) settings.Add($"--{ServiceOptions.Section}:DataDirectory={Path.GetFullPath(directory)}");
            if (parse.GetValue(siloPort) is { } silo) settings.Add($"--{ServiceOptions.Section}:SiloPort={silo}");
            if (parse.GetValue(gatewayPort) is { } gateway) settings.Add($"--{ServiceOptions.Section}:GatewayPort={gateway}");
            if (parse.GetValue(database) is { } connection) settings.Add($"--{ServiceOptions.Section}:Database={connection}");
            await using var app = ServiceHost.Build([.. settings]);
            await app.RunAsync(cancellation);
            return 0;
        });
    }
}
