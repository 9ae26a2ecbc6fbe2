using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Training;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Cli;

/// <summary>
/// What a running command writes to: with --json, one JSON object on stdout and nothing else there; without it,
/// human-readable text on stdout. Logs and progress always go to stderr.
/// </summary>
internal sealed class CommandContext : IDisposable
{
    private readonly ILoggerFactory _loggers;

    public CommandContext(ParseResult parse, bool json)
    {
        Json = json;
        Out = parse.InvocationConfiguration.Output;
        Error = parse.InvocationConfiguration.Error;
        var error = Error;
        _loggers = LoggerFactory.Create(b => b
            .SetMinimumLevel(LogLevel.Information)
            .AddProvider(new StderrLoggerProvider(error)));
        Logger = _loggers.CreateLogger("autodesign");
    }

    public bool Json { get; }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public ILogger Logger { get; }

    /// <summary>Writes the command's result: <paramref name="result"/> as JSON, or <paramref name="human"/>'s text.</summary>
    public void Result(object result, Action<TextWriter> human)
    {
        if (Json) Out.WriteLine(JsonSerializer.Serialize(result, AutoDesignJson.Indented));
        else human(Out);
    }

    /// <summary>Runs a command body, turning the errors a user can fix into one line (and a JSON error object) and exit code 1.</summary>
    public int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (Failed(e) is { } exit)
        {
            return exit;
        }
    }

    /// <inheritdoc cref="Run"/>
    public async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (Failed(e) is { } exit)
        {
            return exit;
        }
    }

    /// <summary>Reports an error a user can fix, or cancellation, and gives the exit code; null for any other exception.</summary>
    private int? Failed(Exception e)
    {
        if (e is OperationCanceledException)
        {
            Fail("cancelled", null);
            return 130;
        }
        if (!IsUserError(e)) return null;
        Fail(e.Message, (e as ModelSpecException)?.Field);
        return 1;
    }

    public void Fail(string message, string? field)
    {
        Error.WriteLine($"error: {message}");
        if (Json) Out.WriteLine(JsonSerializer.Serialize(new { error = new { message, field } }, AutoDesignJson.Indented));
    }

    private static bool IsUserError(Exception e) =>
        e is ArgumentException or DatasetException or DataFormatException or FileNotFoundException
            or DirectoryNotFoundException or UnauthorizedAccessException or TrainingDivergedException;

    public void Dispose() => _loggers.Dispose();
}
