namespace GeoSync.Domain.Topology;

/// <summary>
/// The cost of copying between two regions. Usable both ways unless <see cref="OneWay"/>, in which case it prices
/// only <see cref="From"/> → <see cref="To"/>. Pairs no link covers cost <see cref="TopologyDefaults.LinkCost"/>.
/// </summary>
/// <param name="From">One end (the source when <see cref="OneWay"/>).</param>
/// <param name="To">The other end (the target when <see cref="OneWay"/>).</param>
/// <param name="Cost">The cost that ranks sources: the cheapest region holding a blob is copied from.</param>
/// <param name="OneWay">True when only <see cref="From"/> → <see cref="To"/> is covered.</param>
/// <param name="PricePerGiB">What a GiB crossing the link costs, in <see cref="TopologyDefaults.Currency"/>; null when unpriced.</param>
public sealed record Link(string From, string To, int Cost, bool OneWay, decimal? PricePerGiB = null);
