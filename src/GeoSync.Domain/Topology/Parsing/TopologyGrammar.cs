using System.Globalization;
using System.Text.RegularExpressions;

namespace GeoSync.Domain.Topology.Parsing;

/// <summary>The grammars of names and addresses in a topology file.</summary>
internal static partial class TopologyGrammar
{
    /// <summary>Region names appear in storage keys, grain keys and metrics, so they are DNS-label shaped.</summary>
    public static string? CheckRegionName(string name) =>
        RegionName().IsMatch(name) ? null : $"region name '{name}' must be 1-63 lowercase letters, digits and '-', not starting or ending with '-'";

    /// <summary>Rule and webhook names: letters, digits, '.', '_', '-'.</summary>
    public static string? CheckName(string kind, string name) =>
        Name().IsMatch(name) ? null : $"{kind} name '{name}' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";

    /// <summary>A registry instance's ID or name as its cloud writes it (<c>cri-abc123</c>, <c>prod-registry</c>).</summary>
    public static string? CheckInstanceName(string field, string value) =>
        InstanceName().IsMatch(value) ? null : $"instance {field} '{value}' must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit";

    /// <summary>A cloud's region ID (<c>cn-hangzhou</c>, <c>eu-central-1</c>, <c>westeurope</c>).</summary>
    public static string? CheckCloudRegion(string field, string value) =>
        value.Length <= 63 && HyphenatedLowercase().IsMatch(value) ? null : $"{field} '{value}' must be 1-63 lowercase letters, digits and single '-', as cloud region IDs are written";

    /// <summary>A registry host name as clients write it: <c>host</c> or <c>host:port</c>.</summary>
    public static string? CheckHostName(string value)
    {
        if (value.Contains('/', StringComparison.Ordinal))
        {
            return $"'{value}' is not a host name (write host or host:port, without a scheme or path)";
        }

        string host = value;
        int colon = value.LastIndexOf(':');
        if (colon > 0 && !value.EndsWith(']'))
        {
            host = value[..colon];
            string port = value[(colon + 1)..];
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number is < 1 or > 65535)
            {
                return $"'{value}': port must be a number from 1 to 65535";
            }
        }

        return Uri.CheckHostName(host) == UriHostNameType.Unknown
            ? $"'{value}' is not a host name (write host or host:port, without a scheme or path)"
            : null;
    }

    /// <summary>Azure container names: 3-63 lowercase letters, digits and single hyphens.</summary>
    public static string? CheckContainerName(string name) =>
        name.Length is >= 3 and <= 63 && HyphenatedLowercase().IsMatch(name)
            ? null
            : $"container name '{name}' must be 3-63 lowercase letters, digits and single '-', starting and ending with a letter or digit";

    /// <summary>A media type per RFC 6838 (<c>type/subtype</c>), as OCI artifact types are.</summary>
    public static string? CheckMediaType(string value) =>
        MediaType().IsMatch(value) ? null : $"'{value}' is not a media type (type/subtype, RFC 6838)";

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionName();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex Name();

    [GeneratedRegex("^[a-z0-9]+(?:-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex HyphenatedLowercase();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex InstanceName();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$", RegexOptions.CultureInvariant)]
    private static partial Regex MediaType();
}
