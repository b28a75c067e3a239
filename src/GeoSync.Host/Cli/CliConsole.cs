using Spectre.Console;

namespace GeoSync.Host.Cli;

/// <summary>
/// The console the CLI writes tables and live views to. Colour and cursor codes go only to a terminal (where
/// Spectre also honours <c>NO_COLOR</c>); redirected output is plain text, whole rows wide.
/// </summary>
internal static class CliConsole
{
    /// <summary>Width of a table written to a file or a pipe, where there is no terminal to fit.</summary>
    public const int RedirectedWidth = 240;

    public static IAnsiConsole Create(TextWriter output) => Create(new AnsiConsoleOutput(output));

    /// <param name="target">Where the output goes; its <see cref="IAnsiConsoleOutput.IsTerminal"/> decides.</param>
    public static IAnsiConsole Create(IAnsiConsoleOutput target)
    {
        ArgumentNullException.ThrowIfNull(target);
        bool terminal = target.IsTerminal;
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = target,
            // Spectre's own detection looks at TERM, not at where the output goes.
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
