using System.CommandLine;
using AutoDesign.Host.Security;
using AutoDesign.Storage;

namespace AutoDesign.Cli;

/// <summary><c>autodesign apikey create|list|revoke</c>: the keys that changes through the REST API need.</summary>
internal static class ApiKeyCommand
{
    public static Command Create()
    {
        var command = new Command("apikey", "Manage the API keys that submitting and cancelling jobs over HTTP need (stored hashed in the data folder's database).");
        command.Subcommands.Add(Sub("create", "Create a key and print it; it is shown this once.", needsName: true, async (keys, name, context) =>
        {
            var key = await keys.Create(name!);
            context.Result(key, o => o.WriteLine($"{key.Key}\n(key '{key.Name}'; keep it now: only its hash is stored)"));
        }));
        command.Subcommands.Add(Sub("list", "List the keys by name and first characters.", needsName: false, async (keys, _, context) =>
        {
            var all = await keys.List();
            context.Result(new { keys = all }, o => { foreach (var k in all) o.WriteLine($"{k.Name}\t{k.Prefix}…\t{k.CreatedAt:u}"); });
        }));
        command.Subcommands.Add(Sub("revoke", "Delete a key; requests bearing it are refused from then on.", needsName: true, async (keys, name, context) =>
        {
            if (!await keys.Revoke(name!)) throw new ArgumentException($"there is no key named '{name}'");
            context.Result(new { revoked = name }, o => o.WriteLine($"revoked '{name}'"));
        }));
        return command;
    }

    private static Command Sub(string verb, string description, bool needsName, Func<ApiKeys, string?, CommandContext, Task> action)
    {
        var name = new Option<string>("--name", "-n") { Description = "The key's name (who or what uses it).", Required = needsName };
        var json = CommonOptions.Json();
        var dataDir = CommonOptions.DataDir();
        var database = new Option<string?>("--database") { Description = "The service's PostgreSQL connection string, when it keeps its records there." };
        var command = new Command(verb, description) { json, dataDir, database };
        if (needsName) command.Options.Add(name);
        command.SetAction(async (parse, _) =>
        {
            using var context = new CommandContext(parse, parse.GetValue(json));
            return await context.RunAsync(async () =>
            {
                var keys = new ApiKeys(Database.Open(CommonOptions.Folder(parse.GetValue(dataDir)).Root, parse.GetValue(database)));
                await action(keys, needsName ? parse.GetValue(name) : null, context);
                return 0;
            });
        });
        return command;
    }
}
