namespace GeoSync.Domain.Topology;

/// <summary>
/// How the engine runs: where it listens, where it keeps local data, where its state lives, and the limits of the
/// event intake. Relative paths are relative to the engine's working directory.
/// </summary>
/// <param name="Listen">The URL Kestrel binds, e.g. <c>http://127.0.0.1:5080</c>.</param>
/// <param name="DataDirectory">Root for local data: filesystem stores and the SQLite database live under it.</param>
/// <param name="Persistence">Where grain state, inbox and outbox are kept.</param>
/// <param name="StatusToken">Bearer token the status API requires; <c>null</c> leaves it open (loopback use).</param>
/// <param name="MaxEventBodyBytes">The largest notification body <c>/v1/events</c> accepts.</param>
public sealed record EngineSettings(
    string Listen,
    string DataDirectory,
    PersistenceSettings Persistence,
    SecretReference? StatusToken,
    long MaxEventBodyBytes)
{
    /// <summary>The default listen URL: loopback only.</summary>
    public const string DefaultListen = "http://127.0.0.1:5080";

    /// <summary>The default data directory.</summary>
    public const string DefaultDataDirectory = ".data";

    /// <summary>The default body limit for <c>/v1/events</c> (1 MiB).</summary>
    public const long DefaultMaxEventBodyBytes = 1024 * 1024;

    /// <summary>The default time an applied event is kept in the inbox: a week.</summary>
    public static readonly TimeSpan DefaultInboxRetention = TimeSpan.FromDays(7);

    /// <summary>
    /// How long an event stays in the inbox once its repository has applied it (for <c>GET /v1/events/{id}</c> and
    /// to recognise a registry's retry of it). Older applied events are deleted; a pending event is never deleted.
    /// </summary>
    public TimeSpan InboxRetention { get; init; } = DefaultInboxRetention;

    /// <summary>The default time content may be missing at its source before GeoSync gives up on it: a day, as long as a deploy webhook is retried.</summary>
    public static readonly TimeSpan DefaultAbandonAfter = TimeSpan.FromDays(1);

    /// <summary>
    /// How long a push whose content is missing at its source (never written, or gone) is retried before its regions
    /// are Abandoned: no longer retried, listed by <c>geosync events abandoned</c> to be retried or dropped.
    /// </summary>
    public TimeSpan AbandonAfter { get; init; } = DefaultAbandonAfter;

    /// <summary>How this node joins its Orleans cluster (ports, advertised address, cluster id).</summary>
    public ClusterSettings Cluster { get; init; } = ClusterSettings.Default;

    /// <summary>The settings used when a topology has no <c>engine</c> section.</summary>
    public static EngineSettings Default { get; } = new(
        DefaultListen, DefaultDataDirectory, PersistenceSettings.DefaultSqlite(DefaultDataDirectory), null, DefaultMaxEventBodyBytes);
}

/// <summary>The database engine for GeoSync's state.</summary>
public enum PersistenceProvider
{
    /// <summary>Embedded SQLite: one node.</summary>
    Sqlite,

    /// <summary>PostgreSQL: a cluster of nodes (Orleans silos) sharing membership, grain state, reminders and the inbox.</summary>
    Postgres,
}

/// <summary>
/// Where GeoSync's state lives. Exactly one of <see cref="ConnectionString"/> (a literal, allowed for SQLite only,
/// and never with a password) and <see cref="ConnectionStringSecret"/> (a reference, required for PostgreSQL) is set.
/// </summary>
public sealed record PersistenceSettings(PersistenceProvider Provider, string? ConnectionString, SecretReference? ConnectionStringSecret)
{
    /// <summary>SQLite in <c>geosync.db</c> under <paramref name="dataDirectory"/>.</summary>
    public static PersistenceSettings DefaultSqlite(string dataDirectory) =>
        new(PersistenceProvider.Sqlite, $"Data Source={Path.Combine(dataDirectory, "geosync.db")}", null);

    /// <summary>The connection string, resolving the secret reference through <paramref name="resolve"/> if there is one.</summary>
    public string ResolveConnectionString(Func<SecretReference, string> resolve)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        return ConnectionStringSecret is { } secret ? resolve(secret) : ConnectionString ?? string.Empty;
    }
}

/// <summary>
/// How a node takes part in its Orleans cluster. On SQLite the node is a single silo on loopback; on PostgreSQL every
/// node with the same <see cref="Id"/> and database is a silo of one cluster.
/// </summary>
/// <param name="Id">The cluster id: nodes with the same id (and database) form one cluster.</param>
/// <param name="SiloPort">Port for silo-to-silo traffic; null: 11111 on PostgreSQL, a free loopback port on SQLite.</param>
/// <param name="GatewayPort">Port for Orleans clients; 0 (the default): none (GeoSync's own API is HTTP).</param>
/// <param name="AdvertisedAddress">The IP address other silos reach this one at; null: Orleans picks this host's first address.</param>
public sealed record ClusterSettings(string Id, int? SiloPort, int GatewayPort, string? AdvertisedAddress)
{
    /// <summary>The default cluster id.</summary>
    public const string DefaultId = "geosync";

    /// <summary>Orleans' usual silo port, the default on PostgreSQL.</summary>
    public const int DefaultSiloPort = 11111;

    /// <summary>No <c>cluster</c> section.</summary>
    public static ClusterSettings Default { get; } = new(DefaultId, null, 0, null);
}
