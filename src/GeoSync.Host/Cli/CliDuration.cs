using System.CommandLine;
using GeoSync.Domain.Text;

namespace GeoSync.Host.Cli;

/// <summary>A duration option read as topology files read durations (<c>5s</c>, <c>00:00:05</c>), never a bare number; it must be positive.</summary>
internal static class CliDuration
{
    public static Option<TimeSpan> Option(string name, string description, TimeSpan defaultValue) => new(name)
    {
        Description = description,
        HelpName = "duration",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (DurationText.TryParse(text, out TimeSpan value) && value > TimeSpan.Zero)
            {
                return value;
            }

            result.AddError($"{name} '{TerminalText.Plain(text)}' is not a positive duration; write {DurationText.Forms}");
            return default;
        },
    };
}
