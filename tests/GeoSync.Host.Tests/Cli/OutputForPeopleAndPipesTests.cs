using GeoSync.Host.Cli;
using Spectre.Console;

namespace GeoSync.Host.Tests.Cli;

/// <summary>Help, durations and terminal codes: what a person at a terminal and a script reading a pipe each get.</summary>
public sealed class OutputForPeopleAndPipesTests
{
    [Fact]
    public async Task Help_CommandsWithAnOptionalArgument_ShowItInBrackets()
    {
        (int exit, string output, _) = await CliTopologyFile.RunAsync("--help");

        Assert.Equal(GeoSyncCli.Success, exit);
        string[] lines = output.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("  status [<reference>]  ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  resync [<reference>]  ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  import <layout> <reference>  ", StringComparison.Ordinal));
        // The description column stays aligned.
        int[] columns = [.. lines.SkipWhile(l => l != "Commands:").Skip(1).TakeWhile(l => l.Length > 0)
            .Select(l => l.IndexOf("  ", 2, StringComparison.Ordinal) + l[l.IndexOf("  ", 2, StringComparison.Ordinal)..].TakeWhile(c => c == ' ').Count())];
        Assert.Single(columns.Distinct());
    }

    [Theory]
    [InlineData("--timeout", "5")]
    [InlineData("--interval", "5")]
    [InlineData("--timeout", "five seconds")]
    [InlineData("--interval", "0s")]
    public async Task Status_BareNumberOrNoDuration_Exit2NamingTheOption(string option, string value)
    {
        (int exit, _, string error) = await CliTopologyFile.RunAsync("status", "--server", "http://127.0.0.1:9", option, value);

        Assert.Equal(GeoSyncCli.InvalidInput, exit);
        Assert.Contains($"{option} '{value}' is not a positive duration; write a number with a unit (500ms, 5s, 10m, 1h, 7d) or [d.]hh:mm:ss", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("5s")]
    [InlineData("00:00:05")]
    [InlineData("500ms")]
    public async Task Status_DurationWithUnitOrClock_IsAccepted(string value)
    {
        // Accepted, the command runs and finds no engine there (exit 1), rather than refusing its input (exit 2).
        (int exit, _, string error) = await CliTopologyFile.RunAsync("status", "--server", "http://127.0.0.1:9", "--watch", "--timeout", value, "--interval", value);

        Assert.Equal(GeoSyncCli.NotSatisfied, exit);
        Assert.Contains("did not answer", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Console_RedirectedOutput_NoAnsiNoColourFullWidth()
    {
        using var output = new StringWriter();

        IAnsiConsole console = CliConsole.Create(output);
        console.Write(new Markup("[red bold]Failed[/]"));

        Assert.False(console.Profile.Capabilities.Ansi);
        Assert.Equal(ColorSystem.NoColors, console.Profile.Capabilities.ColorSystem);
        Assert.Equal(CliConsole.RedirectedWidth, console.Profile.Width);
        Assert.Equal("Failed", output.ToString());
    }
}
