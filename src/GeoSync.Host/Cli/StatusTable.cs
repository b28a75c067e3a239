using System.Globalization;
using GeoSync.Host.Status;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace GeoSync.Host.Cli;

/// <summary>
/// Renders repositories' tags × regions as a table. Cells stay short (state, lag, bytes, when the next try is);
/// each region's error or wait reason is a numbered note under the table, where a long one wraps as a line of text
/// instead of stretching a column past the terminal's width.
/// </summary>
internal static class StatusTable
{
    /// <param name="repositories">The repositories whose tags are the rows.</param>
    /// <param name="regions">The region columns, in order; null = the regions the statuses name (no topology at hand).</param>
    /// <param name="now">The time retries are counted down from.</param>
    public static IRenderable Build(IReadOnlyList<RepositoryStatus> repositories, IReadOnlyList<string>? regions, DateTimeOffset now)
    {
        regions ??= [.. repositories.SelectMany(r => r.Tags).SelectMany(t => t.Regions).Select(r => r.Region).Distinct().Order(StringComparer.Ordinal)];
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("repository:tag");
        table.AddColumn("digest");
        foreach (string region in regions)
        {
            table.AddColumn(TerminalText.Markup(region));
        }

        var notes = new List<IRenderable>();
        foreach (RepositoryStatus repository in repositories)
        {
            foreach (TagStatus tag in repository.Tags)
            {
                var cells = new List<string> { TerminalText.Markup($"{repository.Repository}:{tag.Tag}"), TerminalText.Markup(ShortDigest(tag.Digest)) };
                foreach (string region in regions)
                {
                    RegionStatus? status = tag.Regions.FirstOrDefault(r => r.Region == region);
                    if (status?.LastError is { } reason)
                    {
                        notes.Add(new Markup($"[[{notes.Count + 1}]] {TerminalText.Markup($"{region} {repository.Repository}:{tag.Tag}: {reason}")}"));
                    }

                    cells.Add(status is null ? "[grey]-[/]" : Cell(status, now, status.LastError is null ? null : notes.Count));
                }

                table.AddRow(cells.ToArray());
            }
        }

        return notes.Count == 0 ? table : new Rows([table, .. notes]);
    }

    private static string Cell(RegionStatus status, DateTimeOffset now, int? note)
    {
        string color = status.State switch
        {
            "Synced" => "green",
            "Deleted" => "grey",
            "Failed" => "red",
            "Copying" => "blue",
            "Abandoned" => "magenta",
            _ => "yellow",
        };
        string detail = status switch
        {
            { State: "Failed", NextAttemptAt: { } next } => $", retrying in {Countdown(next - now)}",
            { State: "Copying", BytesTotal: long total } => $" {Bytes(status.BytesCopied)} of {Bytes(total)}",
            { State: "Copying", BytesCopied: > 0 } => $" {Bytes(status.BytesCopied)} copied",
            { LagMilliseconds: double ms } => $" {ms:0} ms",
            _ => string.Empty,
        };
        return $"[{color}]{TerminalText.Markup(status.State)}[/]{detail}{(note is int n ? $" [[{n}]]" : string.Empty)}";
    }

    private static string Countdown(TimeSpan left) => left switch
    {
        { TotalSeconds: < 1 } => "under 1 s",
        { TotalSeconds: < 90 } => $"{Math.Ceiling(left.TotalSeconds):0} s",
        { TotalMinutes: < 90 } => $"{Math.Ceiling(left.TotalMinutes):0} min",
        _ => $"{Math.Ceiling(left.TotalHours):0} h",
    };

    /// <summary>Bytes in binary units (<c>1.5 MiB</c>).</summary>
    internal static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        int unit = 0;
        for (; value >= 1024 && unit < units.Length - 1; unit++)
        {
            value /= 1024;
        }

        return unit == 0 ? $"{bytes} B" : string.Create(CultureInfo.InvariantCulture, $"{value:0.#} {units[unit]}");
    }

    private static string ShortDigest(string? digest) => digest is null ? "(deleted)" : digest.Length > 19 ? digest[..19] : digest;
}
