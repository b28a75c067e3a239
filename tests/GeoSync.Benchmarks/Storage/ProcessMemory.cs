namespace GeoSync.Benchmarks.Storage;

/// <summary>The process's resident memory as the kernel reports it in <c>/proc/self/status</c>.</summary>
public static class ProcessMemory
{
    /// <summary>Peak resident set size (<c>VmHWM</c>) in bytes, or null where <c>/proc</c> is absent.</summary>
    public static long? PeakResidentBytes() => Read("VmHWM:");

    /// <summary>Current resident set size (<c>VmRSS</c>) in bytes, or null where <c>/proc</c> is absent.</summary>
    public static long? ResidentBytes() => Read("VmRSS:");

    private static long? Read(string field) => ProcSelf.Field("status", field) * 1024; // the kernel reports kB
}
