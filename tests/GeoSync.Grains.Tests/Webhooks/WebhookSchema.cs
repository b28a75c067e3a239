using Microsoft.Data.Sqlite;

namespace GeoSync.Grains.Tests.Webhooks;

/// <summary>Creates the webhook tables in a fresh SQLite file with the production DDL.</summary>
internal static class WebhookSchema
{
    public static async Task<string> CreateSqliteAsync(string path)
    {
        string connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;\n" + await File.ReadAllTextAsync(ScriptPath("webhooks.sqlite.sql"));
        await command.ExecuteNonQueryAsync();
        return connectionString;
    }

    private static string ScriptPath(string name)
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "src", "GeoSync.Persistence", "Webhooks", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"schema script {name} not found above {AppContext.BaseDirectory}");
    }
}
