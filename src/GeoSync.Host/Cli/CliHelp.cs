using System.CommandLine;
using System.Text.RegularExpressions;

namespace GeoSync.Host.Cli;

/// <summary>
/// Help that shows what is optional as optional. System.CommandLine's listing of subcommands shows every argument
/// as <c>&lt;reference&gt;</c>, as if required, and its help builder is not public; so the listing is rewritten
/// to <c>status [&lt;reference&gt;]</c> and its description column realigned.
/// </summary>
internal static partial class CliHelp
{
    public static string MarkOptionalArguments(string help, Command root)
    {
        ArgumentNullException.ThrowIfNull(help);
        Dictionary<string, string> labels = Descendants(root)
            .Where(c => c.Arguments.Any(a => a.Arity.MinimumNumberOfValues == 0))
            .ToDictionary(c => Label(c, optional: false), c => Label(c, optional: true));
        List<string> lines = [.. help.Split('\n')];
        int start = lines.FindIndex(l => l.TrimEnd('\r') == "Commands:") + 1;
        if (start == 0 || labels.Count == 0)
        {
            return help;
        }

        int end = lines.FindIndex(start, l => l.TrimEnd('\r').Length == 0);
        end = end < 0 ? lines.Count : end;
        List<(string Label, string Description)?> rows = [.. lines[start..end].Select(l => Row().Match(l) is { Success: true } m
            ? ((string, string)?)(labels.GetValueOrDefault(m.Groups["label"].Value, m.Groups["label"].Value), m.Groups["description"].Value)
            : null)];
        int width = rows.Max(r => r?.Label.Length ?? 0) + 2;
        for (int i = 0; i < rows.Count; i++)
        {
            // A row's label and description, or a description's continuation line, indented to the new column.
            lines[start + i] = rows[i] is (string label, string description)
                ? $"  {label.PadRight(width)}{description}"
                : new string(' ', width + 2) + lines[start + i].TrimStart();
        }

        return string.Join('\n', lines);
    }

    private static string Label(Command command, bool optional) => string.Join(' ', [
        command.Name,
        .. command.Arguments.Where(a => !a.Hidden).Select(a =>
        {
            string name = $"<{a.HelpName ?? a.Name}>";
            return optional && a.Arity.MinimumNumberOfValues == 0 ? $"[{name}]" : name;
        }),
    ]);

    private static IEnumerable<Command> Descendants(Command command) =>
        command.Subcommands.SelectMany(c => (IEnumerable<Command>)[c, .. Descendants(c)]);

    [GeneratedRegex(@"^  (?<label>\S.*?) {2,}(?<description>\S.*)$")]
    private static partial Regex Row();
}
