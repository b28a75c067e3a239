using GeoSync.Domain.Replication;
using GeoSync.Host.Status;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace GeoSync.Host.Cli;

/// <summary>
/// <c>geosync status</c> without a repository: a row per region (records per state, backlog, pending webhooks, lag),
/// then the page of repositories the listing selected, then how many more there are and how to narrow the list.
/// </summary>
internal static class StatusSummary
{
    /// <param name="regions">A row each.</param>
    /// <param name="repositories">The page of repositories the listing selected.</param>
    /// <param name="more">How many more it selected.</param>
    /// <param name="now">The time retries are counted down from.</param>
    /// <param name="abandoned">Some repository holds events GeoSync gave up on: said apart, with what to do.</param>
    public static IRenderable Build(IReadOnlyList<RegionOverview> regions, IReadOnlyList<RepositoryStatus> repositories, long more, DateTimeOffset now, bool abandoned = false)
    {
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("region");
        string[] states = Enum.GetNames<ReplicationState>();
        foreach (string state in states)
        {
            table.AddColumn(new TableColumn(state).RightAligned());
        }

        table.AddColumn(new TableColumn("backlog").RightAligned());
        table.AddColumn(new TableColumn("webhooks pending").RightAligned());
        table.AddColumn(new TableColumn("lag p50 / p99").RightAligned());
        foreach (RegionOverview region in regions)
        {
            string name = TerminalText.Markup(region.Region) + (region.Reachable ? string.Empty : $" [red]unreachable: {TerminalText.Markup(region.ProbeError ?? "no answer")}[/]");
            table.AddRow([
                name,
                .. states.Select(s => region.States.TryGetValue(s, out long n) ? $"{n}" : "0"),
                $"{region.Backlog}",
                $"{region.PendingWebhooks}",
                region.LagP50Milliseconds is { } p50 ? $"{p50:0} / {region.LagP99Milliseconds:0} ms" : "-",
            ]);
        }

        var rows = new List<IRenderable> { table };
        if (repositories.Count > 0)
        {
            rows.Add(StatusTable.Build(repositories, [.. regions.Select(r => r.Region)], now));
        }

        rows.Add(new Markup(TerminalText.Markup(Footer(repositories.Count, more))));
        if (abandoned)
        {
            rows.Add(new Markup("[magenta]Some events were given up on (Abandoned): their content was missing at the source for too long. List them with geosync events abandoned, then retry or drop them.[/]"));
        }

        return new Rows(rows);
    }

    private static string Footer(int shown, long more) => (shown, more) switch
    {
        (0, _) => "No repository selected: none needs attention (or matches --match and --state).",
        (_, 0) => $"{shown} repositories shown.",
        _ => $"{shown} repositories shown, {more} more; narrow the list with --match GLOB (e.g. team/**) or --state STATE (Failed, Pending, Copying, attention), or name one: geosync status REPOSITORY.",
    };
}
