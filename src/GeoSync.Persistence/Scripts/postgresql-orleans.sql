-- geosync-orleans-schema-version: 1
--
-- GeoSync's schema for Orleans' ADO.NET providers on PostgreSQL: membership (Microsoft.Orleans.Clustering.AdoNet),
-- grain state (Microsoft.Orleans.Persistence.AdoNet) and reminders (Microsoft.Orleans.Reminders.AdoNet), written
-- for the 10.4.2 packages with the invariant "Npgsql". The packages ship no SQL: this file is the contract's other half.
-- Requires PostgreSQL 15 or later (UNIQUE NULLS NOT DISTINCT).
--
-- Idempotent, like postgresql.sql: the engine runs both at every start in one transaction under an advisory lock
-- (PostgresStorage.RunSchemaScriptAsync), so nodes starting together apply it one after another. Run by hand, run it
-- the same way: psql --single-transaction, one session at a time.
--
-- The contract, as the 10.4.2 providers use it:
--   * At start each provider reads "SELECT QueryKey, QueryText FROM OrleansQuery" (the one name fixed in their code:
--     unquoted, so PostgreSQL folds it to orleansquery) and from then on runs only those texts. Clustering and
--     reminders fail to start if one of their keys is missing; table and column names are ours.
--   * Parameters are named (@DeploymentId ...) and typed by the .NET value: string -> text, int -> integer,
--     long -> bigint, byte[] -> bytea, DateTime -> DbType.DateTime, which Npgsql sends as timestamptz (the values
--     are UTC). Hence every time column is timestamptz: a "timestamp" column would compare in the session time zone.
--   * Results are read by column name. Npgsql matches names case-insensitively, but every column Orleans reads is
--     aliased with its exact spelling ("Version", "PayloadBinary", ...) so that the contract is visible here.
--   * Queries that report success return one row and one column: non-zero for true, zero for false.
--
-- A newer script replaces the query texts of an older one (upserts keyed by QueryKey); a node still running an older
-- script never puts older texts back, because each row remembers the schema version that wrote it.

CREATE TABLE IF NOT EXISTS OrleansQuery (
    QueryKey                text    NOT NULL PRIMARY KEY,
    QueryText               text    NOT NULL,
    -- Not read by Orleans (it selects the two columns above): the version of this file that wrote the row.
    geosync_schema_version  integer NOT NULL
);

------------------------------------------------------------------------------------------------------------------------
-- Membership (clustering). A deployment is Orleans' ClusterId. The version row is the table's ETag: every insert or
-- update of a member must name the version it read, and bumps it in the same statement, so two silos that read the
-- same version cannot both write (the "extended membership protocol"). IAmAlive heartbeats do not bump it.
------------------------------------------------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS orleans_membership_version (
    deployment_id  text        NOT NULL PRIMARY KEY,
    version        integer     NOT NULL DEFAULT 0,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- One row per silo incarnation: address, port and generation (its start time) identify it. status is Orleans'
-- SiloStatus (3 Active, 6 Dead, ...). suspect_times is Orleans' own text: "silo,time|silo,time" death votes.
CREATE TABLE IF NOT EXISTS orleans_membership (
    deployment_id    text        NOT NULL REFERENCES orleans_membership_version (deployment_id),
    address          text        NOT NULL,
    port             integer     NOT NULL,
    generation       integer     NOT NULL,
    silo_name        text        NOT NULL,
    host_name        text        NOT NULL,
    status           integer     NOT NULL,
    proxy_port       integer     NOT NULL,
    suspect_times    text,
    start_time       timestamptz NOT NULL,
    i_am_alive_time  timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

INSERT INTO OrleansQuery AS q (QueryKey, QueryText, geosync_schema_version)
SELECT query_key, query_text, 1 FROM (VALUES
-- Creates the deployment's version row once; true only for the silo whose insert created it.
('InsertMembershipVersionKey', $sql$
WITH created AS (
    INSERT INTO orleans_membership_version (deployment_id) VALUES (@DeploymentId)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1)
SELECT CAST(count(*) AS integer) FROM created
$sql$),
-- The version row (always one row) joined with this silo's row, if any; Orleans takes "no StartTime" as "no member".
('MembershipReadRowKey', $sql$
SELECT v.version AS "Version",
       m.address AS "Address", m.port AS "Port", m.generation AS "Generation", m.silo_name AS "SiloName",
       m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
       m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
FROM orleans_membership_version v
LEFT JOIN orleans_membership m
       ON m.deployment_id = v.deployment_id
      AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
WHERE v.deployment_id = @DeploymentId
$sql$),
-- The version row joined with every member: the whole table as one consistent read.
('MembershipReadAllKey', $sql$
SELECT v.version AS "Version",
       m.address AS "Address", m.port AS "Port", m.generation AS "Generation", m.silo_name AS "SiloName",
       m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
       m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
FROM orleans_membership_version v
LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId
$sql$),
-- A joining silo adds its row if the table is still at @Version. FOR UPDATE makes a concurrent writer wait and then
-- re-check the version, so of two silos that read the same version only the first inserts; the bump happens only
-- if the row was inserted.
('InsertMembershipKey', $sql$
WITH expected AS (
    SELECT deployment_id FROM orleans_membership_version
    WHERE deployment_id = @DeploymentId AND version = @Version
    FOR UPDATE),
inserted AS (
    INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status,
                                    proxy_port, start_time, i_am_alive_time)
    SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
           @ProxyPort, @StartTime, @IAmAliveTime
    FROM expected
    ON CONFLICT (deployment_id, address, port, generation) DO NOTHING
    RETURNING deployment_id),
bumped AS (
    UPDATE orleans_membership_version v SET version = v.version + 1, updated_at = now()
    FROM inserted WHERE v.deployment_id = inserted.deployment_id
    RETURNING 1)
SELECT CAST(count(*) AS integer) FROM bumped
$sql$),
-- Status changes and death votes, under the same version check as an insert.
('UpdateMembershipKey', $sql$
WITH expected AS (
    SELECT deployment_id FROM orleans_membership_version
    WHERE deployment_id = @DeploymentId AND version = @Version
    FOR UPDATE),
updated AS (
    UPDATE orleans_membership m
    SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
    FROM expected
    WHERE m.deployment_id = expected.deployment_id
      AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
    RETURNING m.deployment_id),
bumped AS (
    UPDATE orleans_membership_version v SET version = v.version + 1, updated_at = now()
    FROM updated WHERE v.deployment_id = updated.deployment_id
    RETURNING 1)
SELECT CAST(count(*) AS integer) FROM bumped
$sql$),
-- The heartbeat: no version check and no bump (Orleans never checks its result).
('UpdateIAmAlivetimeKey', $sql$
UPDATE orleans_membership SET i_am_alive_time = @IAmAliveTime
WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
$sql$),
-- Gateways a client may connect to: active silos that listen for clients.
('GatewaysQueryKey', $sql$
SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
FROM orleans_membership
WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0
$sql$),
-- Forgets a whole deployment (tooling and tests).
('DeleteMembershipTableEntriesKey', $sql$
WITH members AS (DELETE FROM orleans_membership WHERE deployment_id = @DeploymentId)
DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId
$sql$),
-- Bulk clean-up of dead silos last alive before @IAmAliveTime. Required by the 10.4.2 provider, but it runs it only
-- when the optional key below is missing.
('CleanupDefunctSiloEntriesKey', $sql$
DELETE FROM orleans_membership
WHERE deployment_id = @DeploymentId AND status = 6 AND i_am_alive_time < @IAmAliveTime
$sql$),
-- 10.4.2's per-row clean-up: the provider picks expired dead rows from a read of the table and deletes each one only
-- if it still holds what was read (start, heartbeat, votes), so a row changed in between stays. Suspect times are
-- compared with null and empty taken alike: Orleans writes an empty list as '' but may read it back as no list.
('CleanupDefunctSiloEntryKey', $sql$
DELETE FROM orleans_membership
WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
  AND status = 6
  AND start_time = @StartTime AND i_am_alive_time = @IAmAliveTime
  AND coalesce(suspect_times, '') = coalesce(@SuspectTimes, '')
$sql$)
) AS queries (query_key, query_text)
ON CONFLICT (QueryKey) DO UPDATE
SET QueryText = EXCLUDED.QueryText, geosync_schema_version = EXCLUDED.geosync_schema_version
WHERE q.geosync_schema_version <= EXCLUDED.geosync_schema_version;

------------------------------------------------------------------------------------------------------------------------
-- Grain state. Orleans (7 and later) calls the storage with the state's name ([PersistentState("name")]) as the
-- "grain type" and the grain's key without its type: a GUID or integer key is split into n0/n1 (plus an optional
-- key extension), a string key is kept whole in grain_id_extension with n0 = n1 = 0. Two grain classes with the
-- same state name and key therefore share a row: GeoSync gives every grain class its own state name.
-- version is the ETag: a first write must find no row, every later one must name the version it read.
-- payload_binary holds what the provider's IGrainStorageSerializer wrote (JSON text in UTF-8 for GeoSync).
------------------------------------------------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS orleans_storage (
    service_id          text        NOT NULL,
    grain_type          text        NOT NULL,
    grain_id_n0         bigint      NOT NULL,
    grain_id_n1         bigint      NOT NULL,
    grain_id_extension  text,
    -- Orleans' hashes of the key and the state name. Stored for parity with Orleans' reference layout, never used to
    -- find a row, so a change of hasher (UseOrleans3CompatibleHasher) can never hide stored state.
    grain_id_hash       integer     NOT NULL,
    grain_type_hash     integer     NOT NULL,
    payload_binary      bytea,
    version             integer     NOT NULL,
    modified_on         timestamptz NOT NULL DEFAULT now(),
    -- One row per grain and state, so that two activations racing to write the first version cannot both succeed.
    CONSTRAINT orleans_storage_grain
        UNIQUE NULLS NOT DISTINCT (grain_type, grain_id_n0, grain_id_n1, grain_id_extension, service_id)
);

-- The key condition below is written "(ext = @x OR (@x IS NULL AND ext IS NULL))" rather than IS NOT DISTINCT FROM:
-- with the value bound, PostgreSQL folds it to a plain equality (or IS NULL) that the unique index serves; IS NOT
-- DISTINCT FROM would scan every string-keyed grain of a state name (they all have n0 = n1 = 0).
INSERT INTO OrleansQuery AS q (QueryKey, QueryText, geosync_schema_version)
SELECT query_key, query_text, 1 FROM (VALUES
('ReadFromStorageKey', $sql$
SELECT payload_binary AS "PayloadBinary", version AS "Version"
FROM orleans_storage
WHERE grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND (grain_id_extension = @GrainIdExtensionString OR (@GrainIdExtensionString IS NULL AND grain_id_extension IS NULL))
  AND service_id = @ServiceId
$sql$),
-- Returns the new version, or no row when the ETag did not match (Orleans then throws InconsistentStateException).
-- A first write (@GrainStateVersion null) inserts version 1 unless a row exists; a later one updates only the
-- version it read. Both branches are in one statement; exactly one of them can act.
('WriteToStorageKey', $sql$
WITH updated AS (
    UPDATE orleans_storage
    SET payload_binary = @PayloadBinary, version = version + 1, modified_on = now()
    WHERE @GrainStateVersion IS NOT NULL
      AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND (grain_id_extension = @GrainIdExtensionString OR (@GrainIdExtensionString IS NULL AND grain_id_extension IS NULL))
      AND service_id = @ServiceId
      AND version = @GrainStateVersion
    RETURNING version),
inserted AS (
    INSERT INTO orleans_storage (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension,
                                 grain_id_hash, grain_type_hash, payload_binary, version)
    SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
           @GrainIdHash, @GrainTypeHash, @PayloadBinary, 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT ON CONSTRAINT orleans_storage_grain DO NOTHING
    RETURNING version)
SELECT version AS "NewGrainStateVersion" FROM updated
UNION ALL
SELECT version FROM inserted
$sql$),
-- ClearStateAsync: the row stays with no payload and a new version (so a stale activation still conflicts).
('ClearStorageKey', $sql$
UPDATE orleans_storage
SET payload_binary = NULL, version = version + 1, modified_on = now()
WHERE grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND (grain_id_extension = @GrainIdExtensionString OR (@GrainIdExtensionString IS NULL AND grain_id_extension IS NULL))
  AND service_id = @ServiceId
  AND version = @GrainStateVersion
RETURNING version AS "NewGrainStateVersion"
$sql$),
-- ClearStateAsync with DeleteStateOnClear: the row goes. The provider expects "deleted version + 1" back.
('DeleteStorageKey', $sql$
DELETE FROM orleans_storage
WHERE grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND (grain_id_extension = @GrainIdExtensionString OR (@GrainIdExtensionString IS NULL AND grain_id_extension IS NULL))
  AND service_id = @ServiceId
  AND version = @GrainStateVersion
RETURNING version + 1 AS "NewGrainStateVersion"
$sql$)
) AS queries (query_key, query_text)
ON CONFLICT (QueryKey) DO UPDATE
SET QueryText = EXCLUDED.QueryText, geosync_schema_version = EXCLUDED.geosync_schema_version
WHERE q.geosync_schema_version <= EXCLUDED.geosync_schema_version;

------------------------------------------------------------------------------------------------------------------------
-- Reminders. grain_id is Orleans' GrainId text ("type/key"). grain_hash is the GrainId's uniform hash as a signed
-- integer: each silo loads the reminders of its part of the hash ring. The provider picks ReadRangeRows1Key when
-- the range (begin, end] does not wrap in signed order and ReadRangeRows2Key when it does (or is the whole ring),
-- so both compare signed integers. period_ms is milliseconds. version is the reminder's ETag.
------------------------------------------------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS orleans_reminders (
    service_id     text        NOT NULL,
    grain_id       text        NOT NULL,
    reminder_name  text        NOT NULL,
    start_time     timestamptz NOT NULL,
    period_ms      bigint      NOT NULL,
    grain_hash     integer     NOT NULL,
    version        integer     NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);
CREATE INDEX IF NOT EXISTS ix_orleans_reminders_ring ON orleans_reminders (service_id, grain_hash);

INSERT INTO OrleansQuery AS q (QueryKey, QueryText, geosync_schema_version)
SELECT query_key, query_text, 1 FROM (VALUES
('ReadReminderRowsKey', $sql$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId
$sql$),
('ReadReminderRowKey', $sql$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
$sql$),
('ReadRangeRows1Key', $sql$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
$sql$),
('ReadRangeRows2Key', $sql$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
FROM orleans_reminders
WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$sql$),
-- Registers or changes a reminder and returns its new version (the provider sends @Period as integer or bigint).
('UpsertReminderRowKey', $sql$
INSERT INTO orleans_reminders AS r (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
SET start_time = EXCLUDED.start_time, period_ms = EXCLUDED.period_ms, grain_hash = EXCLUDED.grain_hash,
    version = r.version + 1
RETURNING version AS "Version"
$sql$),
-- Unregisters a reminder if it is still at the version the caller holds.
('DeleteReminderRowKey', $sql$
WITH deleted AS (
    DELETE FROM orleans_reminders
    WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName AND version = @Version
    RETURNING 1)
SELECT CAST(count(*) AS integer) FROM deleted
$sql$),
('DeleteReminderRowsKey', $sql$
DELETE FROM orleans_reminders WHERE service_id = @ServiceId
$sql$)
) AS queries (query_key, query_text)
ON CONFLICT (QueryKey) DO UPDATE
SET QueryText = EXCLUDED.QueryText, geosync_schema_version = EXCLUDED.geosync_schema_version
WHERE q.geosync_schema_version <= EXCLUDED.geosync_schema_version;
