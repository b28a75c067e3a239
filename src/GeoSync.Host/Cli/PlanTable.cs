using GeoSync.Domain.Replication;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace GeoSync.Host.Cli;

/// <summary>
/// <c>geosync plan</c> as tables: a row per target region (what it lacks, bytes and cost), a row per link (bytes,
/// price and cost), and a row per copy (the source each blob would come from), then the images that could not be planned.
/// </summary>
internal static class PlanTable
{
    public static IRenderable Build(SyncPlan plan)
    {
        var rows = new List<IRenderable>();
        var regions = new Table().Border(TableBorder.Rounded).Title("target regions");
        regions.AddColumn("region");
        regions.AddColumn(new TableColumn("manifests").RightAligned());
        regions.AddColumn(new TableColumn("blobs").RightAligned());
        regions.AddColumn(new TableColumn("tags").RightAligned());
        regions.AddColumn(new TableColumn("bytes").RightAligned());
        regions.AddColumn(new TableColumn("cost").RightAligned());
        foreach (RegionSyncPlan region in plan.Regions)
        {
            regions.AddRow(
                TerminalText.Markup(region.Region),
                $"{region.Manifests.Count}",
                $"{region.Copies.Count(c => !c.Manifest)}",
                $"{region.Tags.Count}",
                StatusTable.Bytes(region.Bytes),
                TerminalText.Markup(EgressText.Cost(region.Cost, plan.Currency)));
        }

        rows.Add(regions);
        LinkEgress[] links = [.. plan.Regions.SelectMany(r => r.Links)];
        if (links.Length > 0)
        {
            var linkTable = new Table().Border(TableBorder.Rounded).Title("links");
            linkTable.AddColumn("from");
            linkTable.AddColumn("to");
            linkTable.AddColumn(new TableColumn("bytes").RightAligned());
            linkTable.AddColumn(new TableColumn("price").RightAligned());
            linkTable.AddColumn(new TableColumn("cost").RightAligned());
            foreach (LinkEgress link in links)
            {
                linkTable.AddRow(
                    TerminalText.Markup(link.From),
                    TerminalText.Markup(link.To),
                    StatusTable.Bytes(link.Bytes),
                    TerminalText.Markup(EgressText.Price(link.PricePerGiB, plan.Currency)),
                    TerminalText.Markup(EgressText.Cost(link.Cost, plan.Currency)));
            }

            rows.Add(linkTable);
            var copies = new Table().Border(TableBorder.Rounded).Title("copies");
            copies.AddColumn("to");
            copies.AddColumn("from");
            copies.AddColumn("digest");
            copies.AddColumn("kind");
            copies.AddColumn(new TableColumn("size").RightAligned());
            copies.AddColumn("repository");
            foreach (RegionSyncPlan region in plan.Regions)
            {
                foreach (PlannedCopy copy in region.Copies)
                {
                    copies.AddRow(
                        TerminalText.Markup(region.Region),
                        TerminalText.Markup(copy.Source),
                        copy.Digest.Short,
                        copy.Manifest ? "manifest" : "blob",
                        StatusTable.Bytes(copy.Size),
                        TerminalText.Markup(copy.Repository));
                }
            }

            rows.Add(copies);
        }

        foreach (RegionSyncPlan region in plan.Regions)
        {
            foreach (string problem in region.Problems)
            {
                rows.Add(new Markup($"[red]{TerminalText.Markup(region.Region)}: {TerminalText.Markup(problem)}[/]"));
            }
        }

        rows.Add(new Markup(TerminalText.Markup(Footer(plan, links.Length))));
        return new Rows(rows);
    }

    private static string Footer(SyncPlan plan, int links) => plan.Bytes == 0 && plan.Regions.All(r => r.Manifests.Count == 0 && r.Tags.Count == 0)
        ? "Nothing to copy: every target region holds what a resync would give it. Nothing was written."
        : $"A resync would copy {StatusTable.Bytes(plan.Bytes)} over {links} link{(links == 1 ? string.Empty : "s")}" +
          (plan.Cost is decimal cost ? $", costing {EgressText.Cost(cost, plan.Currency)} over the priced ones" : string.Empty) +
          ". Nothing was written.";
}
