using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GeoSync.Persistence;

/// <summary>Validates <see cref="PersistenceOptions"/> at start; every message names the field and the reason.</summary>
public sealed class PersistenceOptionsValidator : IValidateOptions<PersistenceOptions>
{
    private const string Section = PersistenceOptions.SectionName;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, PersistenceOptions options)
    {
        IReadOnlyList<string> failures = Check(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The problems with <paramref name="options"/>; empty when they are valid.</summary>
    public static IReadOnlyList<string> Check(PersistenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxBatchSize is < 1 or > 100_000)
        {
            failures.Add($"{Section}:{nameof(PersistenceOptions.MaxBatchSize)}: {options.MaxBatchSize} is out of range; use 1 to 100000");
        }

        if (options.BusyTimeout < TimeSpan.Zero || options.BusyTimeout > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{Section}:{nameof(PersistenceOptions.BusyTimeout)}: {options.BusyTimeout} is out of range; use 0 to 10 minutes");
        }

        string field = $"{Section}:{nameof(PersistenceOptions.ConnectionString)}";
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{field}: is empty; give an ADO.NET connection string for the provider");
        }

        switch (NormalizeProvider(options.Provider))
        {
            case PersistenceOptions.Sqlite:
                if (!string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    CheckSqlite(options.ConnectionString, field, failures);
                }

                break;
            case PersistenceOptions.Postgres:
                if (!string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    CheckPostgres(options.ConnectionString, field, failures);
                }

                break;
            default:
                failures.Add($"{Section}:{nameof(PersistenceOptions.Provider)}: '{options.Provider}' is not supported; use '{PersistenceOptions.Sqlite}' or '{PersistenceOptions.Postgres}'");
                break;
        }

        return failures;
    }

    /// <summary>The canonical provider name (<c>postgresql</c> is accepted for <c>postgres</c>), or null when unknown.</summary>
    internal static string? NormalizeProvider(string? provider) => provider?.Trim().ToLowerInvariant() switch
    {
        PersistenceOptions.Sqlite => PersistenceOptions.Sqlite,
        PersistenceOptions.Postgres or "postgresql" => PersistenceOptions.Postgres,
        _ => null,
    };

    private static void CheckSqlite(string connectionString, string field, List<string> failures)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            // The message of a parse failure never quotes the whole string, so no secret leaks into it.
            failures.Add($"{field}: is not a valid SQLite connection string ({e.Message})");
            return;
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            failures.Add($"{field}: has no Data Source; name the database file, e.g. 'Data Source=data/geosync.db'");
        }
        else if (builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            failures.Add($"{field}: an in-memory database loses every accepted event on exit; name a database file");
        }
        else if (builder.Mode == SqliteOpenMode.ReadOnly)
        {
            failures.Add($"{field}: Mode=ReadOnly cannot accept events; remove it");
        }
    }

    private static void CheckPostgres(string connectionString, string field, List<string> failures)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (string.IsNullOrWhiteSpace(builder.Host))
            {
                failures.Add($"{field}: has no Host; name the PostgreSQL server, e.g. 'Host=db;Database=geosync;Username=geosync'");
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException or DbException)
        {
            failures.Add($"{field}: is not a valid PostgreSQL connection string ({e.Message})");
        }
    }
}
