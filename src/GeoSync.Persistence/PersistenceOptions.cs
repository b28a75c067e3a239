namespace GeoSync.Persistence;

/// <summary>
/// Where GeoSync keeps its durable state (configuration section <c>Persistence</c>). SQLite on a local file is the
/// embedded default for a single node; PostgreSQL serves a cluster of nodes sharing one database.
/// </summary>
public sealed class PersistenceOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Persistence";

    /// <summary>The value of <see cref="Provider"/> that selects SQLite.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>The value of <see cref="Provider"/> that selects PostgreSQL.</summary>
    public const string Postgres = "postgres";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>
    /// ADO.NET connection string: for SQLite e.g. <c>Data Source=data/geosync.db</c> (the folder is created), for
    /// PostgreSQL e.g. <c>Host=db;Database=geosync;Username=geosync;Password=...</c>. It may hold a secret and is
    /// never logged.
    /// </summary>
    public string ConnectionString { get; set; } = "Data Source=data/geosync.db";

    /// <summary>
    /// Most writes committed in one transaction by the group-commit writer. Bounds the latency a single write can be
    /// held behind others; the default is far above what concurrent intake produces between two disk flushes.
    /// </summary>
    public int MaxBatchSize { get; set; } = 1024;

    /// <summary>How long SQLite waits for a lock held by another process before failing (its <c>busy_timeout</c>).</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
