namespace GeoSync.Domain.Topology;

/// <summary>One problem in a topology file: the file, the JSON path (e.g. <c>$.regions[1].store.kind</c>) and the reason.</summary>
public sealed record TopologyError(string File, string Path, string Message)
{
    /// <summary><c>FILE: PATH: reason</c>, the form the CLI prints.</summary>
    public override string ToString() => $"{File}: {Path}: {Message}";
}
