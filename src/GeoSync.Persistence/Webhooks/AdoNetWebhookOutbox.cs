using System.Data.Common;
using System.Text;

namespace GeoSync.Persistence.Webhooks;

/// <summary>
/// The outbox over ADO.NET, shared by both engines. Engines differ in how they open connections, how they store
/// time, and how they claim rows (<see cref="ClaimSql"/>); the tables are the same (<c>webhook_outbox</c> and
/// <c>webhook_delivery_attempts</c> in each engine's script).
/// </summary>
internal abstract class AdoNetWebhookOutbox : IWebhookOutbox
{
    /// <summary>The outbox columns in the order <see cref="ReadDelivery"/> reads them.</summary>
    protected const string Columns =
        "delivery_id, webhook_id, region, endpoint, event_type, repository, tag, digest, payload, traceparent, " +
        "state, attempts, created_at, updated_at, next_attempt_at, expires_at, last_status_code, last_error";

    // Queries over Pending rows write the state as a literal, never a parameter: only then can SQLite and
    // PostgreSQL's generic plans use the partial index ix_webhook_outbox_due (WHERE state = 'Pending').
    private const string Pending = nameof(WebhookDeliveryState.Pending);

    /// <summary>
    /// Claims due rows of one endpoint and returns them (<see cref="Columns"/>). Parameters: <c>@region</c>,
    /// <c>@endpoint</c>, <c>@now</c>, <c>@lease</c>, <c>@limit</c>; the state as the literal <c>'Pending'</c>.
    /// </summary>
    protected abstract string ClaimSql { get; }

    /// <summary>Opens a connection to the engine.</summary>
    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>The engine's representation of a point in time.</summary>
    protected abstract object ToDb(DateTimeOffset time);

    /// <summary>Reads a point in time stored by <see cref="ToDb"/>.</summary>
    protected abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    public async Task<int> EnqueueAsync(IReadOnlyList<NewWebhookDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        if (deliveries.Count == 0)
        {
            return 0;
        }

        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using DbTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        int added = 0;
        foreach (NewWebhookDelivery d in deliveries)
        {
            await using DbCommand command = Command(connection, transaction,
                "INSERT INTO webhook_outbox (" + Columns + ", claimed_until) VALUES (@delivery_id, @webhook_id, @region, @endpoint, " +
                "@event_type, @repository, @tag, @digest, @payload, @traceparent, @state, 0, @now, @now, @now, @expires_at, NULL, NULL, NULL) " +
                "ON CONFLICT (webhook_id) DO NOTHING",
                ("delivery_id", d.DeliveryId), ("webhook_id", d.WebhookId), ("region", d.Region), ("endpoint", d.Endpoint),
                ("event_type", d.EventType), ("repository", d.Repository), ("tag", d.Tag), ("digest", d.Digest),
                ("payload", d.Payload), ("traceparent", d.TraceParent), ("state", Pending), ("now", ToDb(d.CreatedAt)),
                ("expires_at", ToDb(d.ExpiresAt)));
            added += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return added;
    }

    public async Task<IReadOnlyList<WebhookEndpointKey>> ListDueEndpointsAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using DbCommand command = Command(connection, null,
            "SELECT DISTINCT region, endpoint FROM webhook_outbox WHERE state = 'Pending' AND next_attempt_at <= @now " +
            "AND expires_at > @now AND (claimed_until IS NULL OR claimed_until <= @now)",
            ("now", ToDb(now)));
        var keys = new List<WebhookEndpointKey>();
        await using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(new WebhookEndpointKey(reader.GetString(0), reader.GetString(1)));
        }

        return keys;
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ClaimDueAsync(
        WebhookEndpointKey endpoint,
        DateTimeOffset now,
        DateTimeOffset leaseUntil,
        int limit,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using DbCommand command = Command(connection, null, ClaimSql,
            ("region", endpoint.Region), ("endpoint", endpoint.Endpoint), ("now", ToDb(now)),
            ("lease", ToDb(leaseUntil)), ("limit", limit));
        List<WebhookDelivery> claimed = await ReadDeliveriesAsync(command, cancellationToken).ConfigureAwait(false);
        return [.. claimed.OrderBy(d => d.NextAttemptAt).ThenBy(d => d.CreatedAt)];
    }

    public async Task<bool> RecordAttemptAsync(WebhookAttemptResult result, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        WebhookAttempt a = result.Attempt;
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using DbTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (DbCommand insert = Command(connection, transaction,
            "INSERT INTO webhook_delivery_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error) " +
            "VALUES (@id, @attempt, @started_at, @duration_ms, @status_code, @error) ON CONFLICT (delivery_id, attempt) DO NOTHING",
            ("id", a.DeliveryId), ("attempt", a.Attempt), ("started_at", ToDb(a.StartedAt)), ("duration_ms", a.DurationMs),
            ("status_code", a.StatusCode), ("error", a.Error)))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        int updated;
        await using (DbCommand update = Command(connection, transaction,
            "UPDATE webhook_outbox SET state = @new_state, next_attempt_at = @next, claimed_until = NULL, " +
            "last_status_code = @status_code, last_error = @error, updated_at = @now " +
            "WHERE delivery_id = @id AND attempts = @attempt AND state = 'Pending'",
            ("new_state", result.State.ToString()), ("next", ToDb(result.NextAttemptAt)), ("status_code", a.StatusCode),
            ("error", a.Error), ("now", ToDb(now)), ("id", a.DeliveryId), ("attempt", a.Attempt)))
        {
            updated = await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return updated == 1;
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ExpireAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using DbCommand command = Command(connection, null,
            "UPDATE webhook_outbox SET state = @expired, claimed_until = NULL, updated_at = @now " +
            "WHERE state = 'Pending' AND expires_at <= @now AND (claimed_until IS NULL OR claimed_until <= @now) RETURNING " + Columns,
            ("expired", nameof(WebhookDeliveryState.Expired)), ("now", ToDb(now)));
        return await ReadDeliveriesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<WebhookDeliveryDetails?> GetAsync(string deliveryId, CancellationToken cancellationToken = default)
    {
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using DbCommand command = Command(connection, null,
            "SELECT " + Columns + " FROM webhook_outbox WHERE delivery_id = @id", ("id", deliveryId));
        List<WebhookDelivery> found = await ReadDeliveriesAsync(command, cancellationToken).ConfigureAwait(false);
        if (found.Count == 0)
        {
            return null;
        }

        Dictionary<string, List<WebhookAttempt>> attempts = await ReadAttemptsAsync(connection, [deliveryId], cancellationToken).ConfigureAwait(false);
        return new WebhookDeliveryDetails(found[0], attempts.GetValueOrDefault(deliveryId) ?? []);
    }

    public async Task<IReadOnlyList<WebhookDeliveryDetails>> ListAsync(WebhookDeliveryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var where = new StringBuilder("1 = 1");
        var parameters = new List<(string, object?)> { ("limit", Math.Clamp(query.Limit, 1, 10_000)) };
        void Filter(string column, object? value)
        {
            if (value is not null)
            {
                where.Append(" AND ").Append(column).Append(" = @").Append(column);
                parameters.Add((column, value));
            }
        }

        Filter("region", query.Region);
        Filter("repository", query.Repository);
        Filter("endpoint", query.Endpoint);
        Filter("tag", query.Tag);
        Filter("state", query.State?.ToString());

        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        List<WebhookDelivery> deliveries;
        await using (DbCommand command = Command(connection, null,
            "SELECT " + Columns + " FROM webhook_outbox WHERE " + where + " ORDER BY created_at DESC, delivery_id DESC LIMIT @limit",
            [.. parameters]))
        {
            deliveries = await ReadDeliveriesAsync(command, cancellationToken).ConfigureAwait(false);
        }

        Dictionary<string, List<WebhookAttempt>> attempts =
            await ReadAttemptsAsync(connection, [.. deliveries.Select(d => d.DeliveryId)], cancellationToken).ConfigureAwait(false);
        return [.. deliveries.Select(d => new WebhookDeliveryDetails(d, attempts.GetValueOrDefault(d.DeliveryId) ?? []))];
    }

    public async Task<WebhookDelivery?> RedeliverAsync(string deliveryId, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using DbCommand command = Command(connection, null,
            "UPDATE webhook_outbox SET state = @state, next_attempt_at = @now, expires_at = @expires_at, claimed_until = NULL, " +
            "updated_at = @now WHERE delivery_id = @id RETURNING " + Columns,
            ("state", Pending), ("now", ToDb(now)), ("expires_at", ToDb(expiresAt)), ("id", deliveryId));
        List<WebhookDelivery> updated = await ReadDeliveriesAsync(command, cancellationToken).ConfigureAwait(false);
        return updated.Count == 0 ? null : updated[0];
    }

    public async Task<long> CountPendingAsync(string? region = null, CancellationToken cancellationToken = default)
    {
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // Two texts rather than "@region IS NULL OR ...": PostgreSQL cannot type a parameter that is only ever null.
        await using DbCommand command = region is null
            ? Command(connection, null, "SELECT COUNT(*) FROM webhook_outbox WHERE state = 'Pending'")
            : Command(connection, null, "SELECT COUNT(*) FROM webhook_outbox WHERE state = 'Pending' AND region = @region", ("region", region));
        object? count = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return Convert.ToInt64(count, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A command with named parameters (<c>@name</c>); null values become DB nulls.</summary>
    protected static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach ((string name, object? value) in parameters)
        {
            DbParameter parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private async Task<List<WebhookDelivery>> ReadDeliveriesAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var deliveries = new List<WebhookDelivery>();
        await using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            deliveries.Add(ReadDelivery(reader));
        }

        return deliveries;
    }

    private WebhookDelivery ReadDelivery(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6),
        r.GetString(7), r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9), Enum.Parse<WebhookDeliveryState>(r.GetString(10)),
        Convert.ToInt32(r.GetValue(11), System.Globalization.CultureInfo.InvariantCulture), ReadTime(r, 12), ReadTime(r, 13),
        ReadTime(r, 14), ReadTime(r, 15),
        r.IsDBNull(16) ? null : Convert.ToInt32(r.GetValue(16), System.Globalization.CultureInfo.InvariantCulture),
        r.IsDBNull(17) ? null : r.GetString(17));

    private async Task<Dictionary<string, List<WebhookAttempt>>> ReadAttemptsAsync(DbConnection connection, IReadOnlyList<string> deliveryIds, CancellationToken cancellationToken)
    {
        var byDelivery = new Dictionary<string, List<WebhookAttempt>>(StringComparer.Ordinal);
        if (deliveryIds.Count == 0)
        {
            return byDelivery;
        }

        string placeholders = string.Join(", ", deliveryIds.Select((_, i) => "@id" + i));
        await using DbCommand command = Command(connection, null,
            "SELECT delivery_id, attempt, started_at, duration_ms, status_code, error FROM webhook_delivery_attempts " +
            "WHERE delivery_id IN (" + placeholders + ") ORDER BY delivery_id, attempt",
            [.. deliveryIds.Select((id, i) => ("id" + i, (object?)id))]);
        await using DbDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var attempt = new WebhookAttempt(
                r.GetString(0), Convert.ToInt32(r.GetValue(1), System.Globalization.CultureInfo.InvariantCulture), ReadTime(r, 2),
                Convert.ToInt64(r.GetValue(3), System.Globalization.CultureInfo.InvariantCulture),
                r.IsDBNull(4) ? null : Convert.ToInt32(r.GetValue(4), System.Globalization.CultureInfo.InvariantCulture),
                r.IsDBNull(5) ? null : r.GetString(5));
            if (!byDelivery.TryGetValue(attempt.DeliveryId, out List<WebhookAttempt>? list))
            {
                byDelivery[attempt.DeliveryId] = list = [];
            }

            list.Add(attempt);
        }

        return byDelivery;
    }
}
