namespace GeoSync.Domain.Topology;

/// <summary>
/// The cost of copying between two regions. Usable both ways unless <see cref="OneWay"/>, in which case it prices
/// only <see cref="From"/> → <see cref="To"/>. Pairs no link covers cost <see cref="TopologyDefaults.LinkCost"/>.
/// </summary>
public sealed record Link(string From, string To, int Cost, bool OneWay);
