using GeoSync.Host.Status;
using Spectre.Console;

namespace GeoSync.Host.Cli;

/// <summary>Renders repositories' tags × regions as a table.</summary>
internal static class StatusTable
{
    /// <param name="repositories">The repositories whose tags are the rows.</param>
    /// <param name="regions">The region columns, in order; null = the regions the statuses name (no topology at hand).</param>
    public static Table Build(IReadOnlyList<RepositoryStatus> repositories, IReadOnlyList<string>? regions)
    {
        regions ??= [.. repositories.SelectMany(r => r.Tags).SelectMany(t => t.Regions).Select(r => r.Region).Distinct().Order(StringComparer.Ordinal)];
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("repository:tag");
        table.AddColumn("digest");
        foreach (string region in regions)
        {
            table.AddColumn(region);
        }

        foreach (RepositoryStatus repository in repositories)
        {
            foreach (TagStatus tag in repository.Tags)
            {
                var cells = new List<string> { TerminalText.Markup($"{repository.Repository}:{tag.Tag}"), TerminalText.Markup(ShortDigest(tag.Digest)) };
                foreach (string region in regions)
                {
                    RegionStatus? status = tag.Regions.FirstOrDefault(r => r.Region == region);
                    cells.Add(status is null ? "[grey]-[/]" : Cell(status));
                }

                table.AddRow(cells.ToArray());
            }
        }

        return table;
    }

    private static string Cell(RegionStatus status)
    {
        string color = status.State switch
        {
            "Synced" => "green",
            "Deleted" => "grey",
            "Failed" => "red",
            "Copying" => "blue",
            _ => "yellow",
        };
        string lag = status.LagMilliseconds is double ms ? $" {ms:0} ms" : string.Empty;
        string error = status.LastError is null ? string.Empty : $" ({TerminalText.Markup(status.LastError)})";
        return $"[{color}]{status.State}[/]{lag}{error}";
    }

    private static string ShortDigest(string? digest) => digest is null ? "(deleted)" : digest.Length > 19 ? digest[..19] : digest;
}
