using System.Globalization;
using GeoSync.Host.Links;
using Spectre.Console;

namespace GeoSync.Host.Cli;

/// <summary>Egress per link as a table: per day (<c>geosync links</c>) or over the days reported (the status summary).</summary>
internal static class LinksTable
{
    /// <summary>A row per link with its bytes and cost over the report's days.</summary>
    public static Table Totals(LinkReport report, string title)
    {
        Table table = Create(title, day: false);
        foreach (LinkTotal link in report.Totals)
        {
            table.AddRow(TerminalText.Markup(link.From), TerminalText.Markup(link.To), StatusTable.Bytes(link.Bytes), TerminalText.Markup(EgressText.Cost(link.Cost, report.Currency)));
        }

        return table;
    }

    /// <summary>A row per UTC day and link.</summary>
    public static Table Days(LinkReport report)
    {
        Table table = Create($"egress per link since {report.Since.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} (UTC)", day: true);
        foreach (LinkDayTotal link in report.Days)
        {
            table.AddRow(
                link.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                TerminalText.Markup(link.From),
                TerminalText.Markup(link.To),
                StatusTable.Bytes(link.Bytes),
                TerminalText.Markup(EgressText.Cost(link.Cost, report.Currency)));
        }

        return table;
    }

    private static Table Create(string title, bool day)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(TerminalText.Markup(title));
        if (day)
        {
            table.AddColumn("day");
        }

        table.AddColumn("from");
        table.AddColumn("to");
        table.AddColumn(new TableColumn("bytes").RightAligned());
        table.AddColumn(new TableColumn("cost").RightAligned());
        return table;
    }
}
