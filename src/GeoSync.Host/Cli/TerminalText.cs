using GeoSync.Domain.Text;
using Spectre.Console;

namespace GeoSync.Host.Cli;

/// <summary>A value from the engine or a store, made safe for a terminal: control characters escaped, then Spectre markup.</summary>
internal static class TerminalText
{
    public static string Markup(string? value) => Spectre.Console.Markup.Escape(LogText.Escape(value));

    public static string Plain(string? value) => LogText.Escape(value);
}
