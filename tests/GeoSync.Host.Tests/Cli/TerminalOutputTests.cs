using GeoSync.Host.Cli;
using GeoSync.Host.Status;
using Spectre.Console;

namespace GeoSync.Host.Tests.Cli;

/// <summary>Values from stores and remote answers reach a terminal with their control characters escaped.</summary>
public sealed class TerminalOutputTests
{
    [Fact]
    public void StatusTable_ErrorWithEscapeSequenceAndNewline_IsShownEscaped()
    {
        var region = new RegionStatus("us", "Failed", null, 0, null, "store said \u001b[31mred\u001b[0m\nforged line", 1, null);
        var status = new RepositoryStatus("team/app", 1, [new TagStatus("v1", null, "", "eu", DateTimeOffset.UnixEpoch, "e1", [region])]);
        using var output = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 400;

        console.Write(StatusTable.Build([status], ["us"], DateTimeOffset.UnixEpoch));

        string text = output.ToString();
        Assert.DoesNotContain('\u001b', text);
        Assert.Contains("\\u001B[31mred", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("red\\u001B[0m\\nforged line", text, StringComparison.OrdinalIgnoreCase);
    }
}
