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
-- A row is written once: whether it is applied is whether inbox_pending still holds it.
CREATE TABLE IF NOT EXISTS event_inbox (
    sequence       INTEGER PRIMARY KEY AUTOINCREMENT,
    source_region  TEXT    NOT NULL,
    event_id       TEXT    NOT NULL,
    repository     TEXT    NOT NULL,
    payload        TEXT    NOT NULL,
    received_at    INTEGER NOT NULL,
    -- Unique per source region; event_id first so that this index also serves lookups by event id alone.
    UNIQUE (event_id, source_region)
);
-- Earlier versions flagged each row applied, and indexed the unflagged rows: marking rewrote each event's row.
-- Databases of those versions are moved to inbox_pending when opened (SqliteStorage), after this script.
DROP INDEX IF EXISTS ix_event_inbox_pending;
DROP INDEX IF EXISTS ix_event_inbox_repository_sequence;

-- Retention: applied events older than the topology's engine.inboxRetention are deleted, oldest first, in batches.
CREATE INDEX IF NOT EXISTS ix_event_inbox_received_at ON event_inbox (received_at);

-- Pending events: one small row per accepted event that no written grain state holds yet, in the order its
-- repository applies them. An append adds it (trigger below, in the append's transaction); a checkpoint deletes
-- its repository's rows up to the checkpoint. The table stays as small as the backlog, so the pages appends and
-- checkpoints write are few and shared; an event's own row is written once.
CREATE TABLE IF NOT EXISTS inbox_pending (
    repository  TEXT    NOT NULL,
    sequence    INTEGER NOT NULL,
    PRIMARY KEY (repository, sequence)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS tr_event_inbox_pending AFTER INSERT ON event_inbox
BEGIN
    INSERT INTO inbox_pending (repository, sequence) VALUES (NEW.repository, NEW.sequence);
END;

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

-- Egress per link and UTC day: bytes copied from one region into another. Nodes count copies in memory and add
-- them in batches (one write per flush, not per blob). day is 'YYYY-MM-DD' (UTC).
CREATE TABLE IF NOT EXISTS link_traffic (
    day          TEXT    NOT NULL,
    from_region  TEXT    NOT NULL,
    to_region    TEXT    NOT NULL,
    bytes        INTEGER NOT NULL,
    PRIMARY KEY (day, from_region, to_region)
) WITHOUT ROWID;

-- Repository status: the read model of the status API and `geosync status`, which never activate a grain. A grain
-- publishes its repository's row with its checkpoints; last_sequence (the inbox sequence it had applied) orders
-- publishes, and an upsert with a lower one changes nothing (a stale activation). document is JSON, opaque here.
-- A rowid table: a document may be kilobytes, and SQLite advises WITHOUT ROWID only for small rows.
CREATE TABLE IF NOT EXISTS repository_status (
    repository     TEXT    NOT NULL PRIMARY KEY,
    last_sequence  INTEGER NOT NULL,
    document       TEXT    NOT NULL,
    published_at   INTEGER NOT NULL,
    unfinished     INTEGER NOT NULL DEFAULT 0,
    -- Which replication states the repository's regions are in, a bit each (RepositoryStates), for the listing's
    -- filters (Abandoned is 32). Earlier databases gain the column from their documents when opened (SqliteStorage, before this script).
    states         INTEGER NOT NULL DEFAULT 0
);
-- Repositories with work left: the pending sweep, and the listing's unsettled filters (states covered, so those
-- pages never read the table). Small: as many entries as repositories that need attention.
DROP INDEX IF EXISTS repository_status_unfinished;
CREATE INDEX IF NOT EXISTS repository_status_attention ON repository_status (repository, states) WHERE unfinished = 1;
-- Repositories holding events given up on (a region Abandoned: no work left, so not in the index above): what an
-- operator lists and retries or drops. Small; an earlier database gains it when opened.
CREATE INDEX IF NOT EXISTS repository_status_abandoned ON repository_status (repository, states) WHERE (states & 32) <> 0;

-- Orleans reminders (GeoSync's IReminderTable for the embedded silo): one row per grain and reminder name. The
-- reminder service reads rows by ranges of grain_hash (the grain id's uniform hash, a ring of uint32). A write
-- presents the etag it read; a new etag is written with each upsert.
CREATE TABLE IF NOT EXISTS reminder (
    grain_id    TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    grain_hash  INTEGER NOT NULL,
    start_at    INTEGER NOT NULL,
    period_ms   INTEGER NOT NULL,
    etag        TEXT    NOT NULL,
    PRIMARY KEY (grain_id, name)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_reminder_grain_hash ON reminder (grain_hash);
-- Earlier versions polled a table of their own; their repositories with pending events resume from the inbox.
DROP TABLE IF EXISTS grain_reminder;
-- Grain state was keyed by the grain interface's name before Orleans; it is keyed by the state's name now.
UPDATE OR IGNORE grain_state SET grain_type = 'repository' WHERE grain_type = 'IRepositoryGrain';

-- Webhook outbox and delivery log (deploy webhooks; see src/GeoSync.Persistence/Webhooks).
-- One row per region, endpoint and image event: webhook_id is stable for a decision (image, tag and the time of
-- the push that decided it), so enqueueing the same notice twice is a no-op and a later push of the same digest is new.
-- A dispatcher claims due Pending rows under a lease (claimed_until), sends, then records the attempt; a crash in
-- between lets the lease run out and the row is sent again with the same webhook_id (at-least-once).
-- The row holds the endpoint's name, never its URL or secrets. Times: INTEGER ms since the Unix epoch (UTC).
CREATE TABLE IF NOT EXISTS webhook_outbox (
    delivery_id       TEXT    NOT NULL PRIMARY KEY,
    webhook_id        TEXT    NOT NULL UNIQUE,
    region            TEXT    NOT NULL,
    endpoint          TEXT    NOT NULL,
    event_type        TEXT    NOT NULL,
    repository        TEXT    NOT NULL,
    tag               TEXT,
    digest            TEXT    NOT NULL,
    payload           TEXT    NOT NULL,
    traceparent       TEXT,
    state             TEXT    NOT NULL CHECK (state IN ('Pending', 'Delivered', 'Failed', 'Expired')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    next_attempt_at   INTEGER NOT NULL,
    expires_at        INTEGER NOT NULL,
    claimed_until     INTEGER,
    last_status_code  INTEGER,
    last_error        TEXT
);
-- Due work: only Pending rows are indexed, so the index stays small however long the history grows.
CREATE INDEX IF NOT EXISTS ix_webhook_outbox_due ON webhook_outbox (region, endpoint, next_attempt_at) WHERE state = 'Pending';
CREATE INDEX IF NOT EXISTS ix_webhook_outbox_region_repository ON webhook_outbox (region, repository, created_at);
CREATE INDEX IF NOT EXISTS ix_webhook_outbox_created_at ON webhook_outbox (created_at);

-- Every attempt: when, how long, the HTTP status (null when no response) and the error, without secrets.
CREATE TABLE IF NOT EXISTS webhook_delivery_attempts (
    delivery_id  TEXT    NOT NULL REFERENCES webhook_outbox (delivery_id) ON DELETE CASCADE,
    attempt      INTEGER NOT NULL,
    started_at   INTEGER NOT NULL,
    duration_ms  INTEGER NOT NULL,
    status_code  INTEGER,
    error        TEXT,
    PRIMARY KEY (delivery_id, attempt)
) WITHOUT ROWID;

-- Cluster membership and repository leases: PostgreSQL only (SQLite serves a single node); see postgresql.sql.
