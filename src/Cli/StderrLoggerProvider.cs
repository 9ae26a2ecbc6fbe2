using Microsoft.Extensions.Logging;

namespace AutoDesign.Cli;

/// <summary>A minimal logger that writes "level: message" lines to the command's stderr writer.</summary>
internal sealed class StderrLoggerProvider(TextWriter error) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(error);

    public void Dispose()
    {
    }

    private sealed class Logger(TextWriter error) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            string level = logLevel switch { LogLevel.Warning => "warn: ", LogLevel.Error or LogLevel.Critical => "fail: ", _ => "" };
            lock (error) error.WriteLine(level + formatter(state, exception));
        }
    }
}
