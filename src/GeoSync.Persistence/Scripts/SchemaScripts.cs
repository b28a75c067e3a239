using System.Reflection;

namespace GeoSync.Persistence;

/// <summary>
/// The schema scripts, one per engine (<c>Scripts/sqlite.sql</c>, <c>Scripts/postgresql.sql</c>), plus on PostgreSQL the
/// tables and queries of Orleans' ADO.NET providers (<c>Scripts/postgresql-orleans.sql</c>), embedded in the assembly
/// and copied beside it. They are idempotent and run at every open, by the engine and the tests alike.
/// </summary>
public static class SchemaScripts
{
    /// <summary>The script for a provider (<see cref="PersistenceOptions.Provider"/>).</summary>
    public static string For(string provider) => PersistenceOptionsValidator.NormalizeProvider(provider) switch
    {
        PersistenceOptions.Sqlite => Load("sqlite.sql"),
        PersistenceOptions.Postgres => Load("postgresql.sql"),
        _ => throw new ArgumentException($"unknown persistence provider '{provider}'", nameof(provider)),
    };

    /// <summary>
    /// The tables and <c>OrleansQuery</c> rows of Orleans' ADO.NET clustering, grain storage and reminders on PostgreSQL
    /// (the packages ship no scripts). Run after <see cref="For"/>'s PostgreSQL script, in the same locked transaction.
    /// </summary>
    public static string OrleansPostgres => Load("postgresql-orleans.sql");

    private static string Load(string fileName)
    {
        string name = $"GeoSync.Persistence.Scripts.{fileName}";
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded schema script '{name}' is missing from the assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
