-- GeoSync schema for SQLite (the embedded default). Idempotent: run at every start, by the engine and the tests alike.
-- Connection settings are not schema and are applied by the code on each connection: journal_mode=WAL,
-- synchronous=FULL (a 202 means the event survives power loss), busy_timeout, foreign_keys.
-- Times are INTEGER milliseconds since the Unix epoch (UTC), so that range scans compare numbers.

-- Grain state: one immutable record per grain, guarded by an ETag (optimistic concurrency, as Orleans' ADO.NET
-- storage). A write is "UPDATE ... WHERE etag = @expected"; a first write is an INSERT that must not find a row.
CREATE TABLE IF NOT EXISTS grain_state (
    grain_type  TEXT    NOT NULL,
    grain_key   TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    etag        TEXT    NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (grain_type, grain_key)
) WITHOUT ROWID;

-- Event inbox: every accepted registry event, committed before the intake answers 202.
-- sequence is the acceptance order (AUTOINCREMENT: never reused, even after old rows are deleted, so a reader's
-- "after sequence N" cursor can never skip a later event). SQLite has a single writer, so sequence order is commit order.
CREATE TABLE IF NOT EXISTS event_inbox (
    sequence       INTEGER PRIMARY KEY AUTOINCREMENT,
    source_region  TEXT    NOT NULL,
    event_id       TEXT    NOT NULL,
    repository     TEXT    NOT NULL,
    payload        TEXT    NOT NULL,
    received_at    INTEGER NOT NULL,
    applied        INTEGER NOT NULL DEFAULT 0,
    -- Unique per source region; event_id first so that this index also serves lookups by event id alone.
    UNIQUE (event_id, source_region)
);
CREATE INDEX IF NOT EXISTS ix_event_inbox_repository_sequence ON event_inbox (repository, sequence);
-- Pending events only: keeps "which repositories must resume" and the pending count cheap however long the inbox grows.
CREATE INDEX IF NOT EXISTS ix_event_inbox_pending ON event_inbox (repository, sequence) WHERE applied = 0;

-- Transfer checkpoints: one row per (target region, blob) while a copy is in flight or recently finished.
CREATE TABLE IF NOT EXISTS transfer_checkpoint (
    region         TEXT    NOT NULL,
    digest         TEXT    NOT NULL,
    source_region  TEXT    NOT NULL,
    size           INTEGER NOT NULL,
    bytes_done     INTEGER NOT NULL,
    state          TEXT    NOT NULL,
    attempts       INTEGER NOT NULL,
    last_error     TEXT,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (region, digest)
) WITHOUT ROWID;

-- Reminders: persistent wake-ups for grains with unfinished work (survive restarts, like Orleans reminders).
CREATE TABLE IF NOT EXISTS grain_reminder (
    grain_type  TEXT    NOT NULL,
    grain_key   TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    due_at      INTEGER NOT NULL,
    PRIMARY KEY (grain_type, grain_key, name)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_grain_reminder_due_at ON grain_reminder (due_at);

-- Webhook outbox and delivery log: added here by the webhook issue (one row per region, endpoint and image;
-- attempts logged per delivery).

-- Cluster membership and repository leases: PostgreSQL only (SQLite serves a single node); see postgresql.sql.
