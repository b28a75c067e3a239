using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GeoSync.Testing.Webhooks;

/// <summary>A logger provider that keeps every formatted line (with exceptions), for asserting what was logged.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    /// <summary>Every line so far: level, category, message, and the exception's text when there is one.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>Every entry so far, its formatted message and structured values kept apart.</summary>
    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines, ConcurrentQueue<CapturedLog> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // The structured values too: a secret must not hide in a property that a JSON log sink would print.
            KeyValuePair<string, string?>[] pairs = state is IEnumerable<KeyValuePair<string, object?>> structured
                ? [.. structured.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value?.ToString()))]
                : [];
            string message = formatter(state, exception);
            string values = string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}"));
            entries.Enqueue(new CapturedLog(logLevel, category, eventId.Id, message, pairs, exception));
            lines.Enqueue($"{logLevel} {category}[{eventId.Id}] {message} {values} {exception}");
        }
    }
}

/// <summary>One captured log entry: the formatted message, each structured value as text, and the exception.</summary>
public sealed record CapturedLog(LogLevel Level, string Category, int EventId, string Message, IReadOnlyList<KeyValuePair<string, string?>> Values, Exception? Exception);
