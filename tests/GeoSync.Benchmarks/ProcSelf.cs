namespace GeoSync.Benchmarks;

/// <summary>Figures the Linux kernel reports about this process in <c>/proc/self</c>.</summary>
public static class ProcSelf
{
    /// <summary>
    /// The first number after <paramref name="field"/> (e.g. <c>VmHWM:</c>) in <c>/proc/self/<paramref name="file"/></c>,
    /// or null where the file or the field is absent.
    /// </summary>
    public static long? Field(string file, string field)
    {
        string path = Path.Combine("/proc/self", file);
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (string line in File.ReadLines(path))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                // e.g. "VmHWM:\t   58232 kB" or "write_bytes: 4096"
                string[] parts = line[field.Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>Load average over 1, 5 and 15 minutes (the machine is shared), or "unknown".</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
