namespace GeoSync.Benchmarks.Storage;

/// <summary>The process's resident memory as the kernel reports it in <c>/proc/self/status</c>.</summary>
public static class ProcessMemory
{
    /// <summary>Peak resident set size (<c>VmHWM</c>) in bytes, or null where <c>/proc</c> is absent.</summary>
    public static long? PeakResidentBytes() => Read("VmHWM:");

    /// <summary>Current resident set size (<c>VmRSS</c>) in bytes, or null where <c>/proc</c> is absent.</summary>
    public static long? ResidentBytes() => Read("VmRSS:");

    private static long? Read(string field)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
        {
            return null;
        }

        foreach (string line in File.ReadLines(status))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                // e.g. "VmHWM:\t   58232 kB"
                string[] parts = line[field.Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        return null;
    }
}
