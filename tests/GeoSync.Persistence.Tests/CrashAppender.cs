namespace GeoSync.Persistence.Tests;

/// <summary>
/// The child process of <see cref="SqliteDurabilityTests"/>: appends single events from 16 concurrent tasks and
/// prints <c>ack ID</c> after each append returns (that is, after COMMIT), until it is killed.
/// </summary>
internal static class CrashAppender
{
    public static async Task<int> RunAsync(string path)
    {
        await using GeoSyncDatabase db = await GeoSyncDatabase.OpenAsync(new PersistenceOptions { ConnectionString = $"Data Source={path}" });
        TextWriter output = Console.Out; // synchronized, and flushed on each write when redirected
        await Task.WhenAll(Enumerable.Range(0, 16).Select(t => Task.Run(async () =>
        {
            for (int i = 0; ; i++)
            {
                string id = $"c{t}-{i}";
                await db.Inbox.AppendAsync([new InboxEvent(id, "eu", $"team/r{t % 4}", "{}", DateTimeOffset.UtcNow)]);
                await output.WriteLineAsync($"ack {id}");
            }
        })));
        return 0;
    }
}
