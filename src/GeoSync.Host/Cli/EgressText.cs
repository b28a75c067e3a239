using System.Globalization;

namespace GeoSync.Host.Cli;

/// <summary>How the CLI writes prices and costs: up to the six decimals costs carry, at least two.</summary>
internal static class EgressText
{
    public static string Cost(decimal? cost, string? currency) =>
        cost is decimal value ? $"{value.ToString("0.00####", CultureInfo.InvariantCulture)} {currency}".TrimEnd() : "-";

    public static string Price(decimal? pricePerGiB, string? currency) =>
        pricePerGiB is decimal value ? $"{value.ToString("0.00####", CultureInfo.InvariantCulture)} {currency}/GiB" : "unpriced";
}
