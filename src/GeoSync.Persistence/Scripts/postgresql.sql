-- GeoSync schema for PostgreSQL (a cluster of GeoSync nodes sharing one database). Idempotent: run at every start,
-- by every node and by the tests alike; the code runs it in one transaction under an advisory lock so that nodes
-- starting together do not race on CREATE ... IF NOT EXISTS.

-- Grain state and reminders are Orleans' ADO.NET providers' (postgresql-orleans.sql). Earlier versions kept grain
-- state in grain_state; it is left in place for the operator to drop.
DROP TABLE IF EXISTS grain_reminder;

-- Event inbox: every accepted registry event, committed before the intake answers 202.
-- sequence is the acceptance order. An identity value is taken at INSERT time, not at COMMIT, so two concurrent
-- writers could commit 11 before 10 and a reader past 11 would skip 10. GeoSync therefore inserts through one
-- group-commit writer per node, and each batch holds a transaction-scoped advisory lock (see PostgresInboxWriter)
-- so that batches of all nodes commit one after another: sequence order equals commit order cluster-wide.
CREATE TABLE IF NOT EXISTS event_inbox (
    sequence       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_region  text        NOT NULL,
    event_id       text        NOT NULL,
    repository     text        NOT NULL,
    payload        text        NOT NULL,
    received_at    timestamptz NOT NULL,
    -- Unique per source region; event_id first so that this index also serves lookups by event id alone.
    UNIQUE (event_id, source_region)
);
-- Retention: applied events older than the topology's engine.inboxRetention are deleted, oldest first, in batches.
CREATE INDEX IF NOT EXISTS ix_event_inbox_received_at ON event_inbox (received_at);

-- Pending events: one small row per accepted event that no written grain state holds yet, in the order its
-- repository applies them. An append adds it (trigger below, in the append's transaction, so under the inbox's
-- advisory lock); a checkpoint deletes its repository's rows up to the checkpoint. The table stays as small as the
-- backlog; an event's own row is written once (earlier versions flagged it applied, which rewrote it).
CREATE TABLE IF NOT EXISTS inbox_pending (
    repository  text   NOT NULL,
    sequence    bigint NOT NULL,
    PRIMARY KEY (repository, sequence)
);
CREATE OR REPLACE FUNCTION geosync_inbox_pending_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO inbox_pending (repository, sequence) SELECT repository, sequence FROM appended;
    RETURN NULL;
END
$$;
CREATE OR REPLACE TRIGGER tr_event_inbox_pending AFTER INSERT ON event_inbox
    REFERENCING NEW TABLE AS appended FOR EACH STATEMENT EXECUTE FUNCTION geosync_inbox_pending_add();
-- A database of an earlier version: its unflagged events become the pending ones, then the flag goes, and with it
-- the index of unflagged rows. The index by repository that versions before that kept goes too.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM information_schema.columns
               WHERE table_schema = current_schema() AND table_name = 'event_inbox' AND column_name = 'applied') THEN
        INSERT INTO inbox_pending (repository, sequence) SELECT repository, sequence FROM event_inbox WHERE NOT applied
        ON CONFLICT DO NOTHING;
        ALTER TABLE event_inbox DROP COLUMN applied;
    END IF;
END
$$;
DROP INDEX IF EXISTS ix_event_inbox_repository_sequence;

-- Transfer checkpoints: one row per (target region, blob) while a copy is in flight or recently finished.
CREATE TABLE IF NOT EXISTS transfer_checkpoint (
    region         text        NOT NULL,
    digest         text        NOT NULL,
    source_region  text        NOT NULL,
    size           bigint      NOT NULL,
    bytes_done     bigint      NOT NULL,
    state          text        NOT NULL,
    attempts       integer     NOT NULL,
    last_error     text,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (region, digest)
);

-- Egress per link and UTC day: bytes copied from one region into another. Nodes count copies in memory and add
-- them in batches (one upsert per flush, not per blob); every node adds to the same rows.
CREATE TABLE IF NOT EXISTS link_traffic (
    day          date   NOT NULL,
    from_region  text   NOT NULL,
    to_region    text   NOT NULL,
    bytes        bigint NOT NULL,
    PRIMARY KEY (day, from_region, to_region)
);

-- Repository status: the read model of the status API and `geosync status`, which never activate a grain. A grain
-- publishes its repository's row with its checkpoints; last_sequence (the inbox sequence it had applied) orders
-- publishes, and an upsert with a lower one changes nothing (a stale activation on another node). repository is
-- collated "C" so that the key's index is in ordinal order: listings and paged reads walk it instead of sorting.
-- document is text, not jsonb: it is opaque here and returned as the grain wrote it.
CREATE TABLE IF NOT EXISTS repository_status (
    repository     text COLLATE "C" NOT NULL PRIMARY KEY,
    last_sequence  bigint           NOT NULL,
    document       text             NOT NULL,
    published_at   timestamptz      NOT NULL,
    unfinished     boolean          NOT NULL DEFAULT false,
    -- Which replication states the repository's regions are in, a bit each (RepositoryStates; Abandoned is 32), for the listing's filters.
    states         integer          NOT NULL DEFAULT 0
);
-- A database of an earlier version: the column is added and filled from each row's document (every "state" in it).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                   WHERE table_schema = current_schema() AND table_name = 'repository_status' AND column_name = 'states') THEN
        ALTER TABLE repository_status ADD COLUMN states integer NOT NULL DEFAULT 0;
        UPDATE repository_status SET states = (
            SELECT COALESCE(bit_or(CASE s #>> '{}' WHEN 'Pending' THEN 1 WHEN 'Copying' THEN 2 WHEN 'Synced' THEN 4
                                                   WHEN 'Failed' THEN 8 WHEN 'Deleted' THEN 16 WHEN 'Abandoned' THEN 32 ELSE 0 END), 0)
            FROM jsonb_path_query(document::jsonb, 'lax $.**.state') AS s);
    END IF;
END
$$;
-- Repositories with work left: the pending sweep, and the listing's unsettled filters (states covered, so those
-- pages never read the table). Small: as many entries as repositories that need attention.
DROP INDEX IF EXISTS repository_status_unfinished;
CREATE INDEX IF NOT EXISTS repository_status_attention ON repository_status (repository, states) WHERE unfinished;
-- Repositories holding events given up on (a region Abandoned: no work left, so not in the index above): what an
-- operator lists and retries or drops. Small; an earlier database gains it when opened.
CREATE INDEX IF NOT EXISTS repository_status_abandoned ON repository_status (repository, states) WHERE (states & 32) <> 0;


-- Webhook outbox and delivery log (deploy webhooks; see src/GeoSync.Persistence/Webhooks).
-- One row per region, endpoint and image event: webhook_id is stable for a decision (image, tag and the time of
-- the push that decided it), so enqueueing the same notice twice is a no-op and a later push of the same digest is new.
-- Nodes claim due Pending rows with FOR UPDATE SKIP LOCKED under a lease (claimed_until), send, then record the
-- attempt; a node that dies in between lets the lease run out and another node sends again with the same
-- webhook_id (at-least-once). The row holds the endpoint's name, never its URL or secrets.
CREATE TABLE IF NOT EXISTS webhook_outbox (
    delivery_id       TEXT        NOT NULL PRIMARY KEY,
    webhook_id        TEXT        NOT NULL UNIQUE,
    region            TEXT        NOT NULL,
    endpoint          TEXT        NOT NULL,
    event_type        TEXT        NOT NULL,
    repository        TEXT        NOT NULL,
    tag               TEXT,
    digest            TEXT        NOT NULL,
    payload           TEXT        NOT NULL,
    traceparent       TEXT,
    state             TEXT        NOT NULL CHECK (state IN ('Pending', 'Delivered', 'Failed', 'Expired')),
    attempts          INTEGER     NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    next_attempt_at   timestamptz NOT NULL,
    expires_at        timestamptz NOT NULL,
    claimed_until     timestamptz,
    last_status_code  INTEGER,
    last_error        TEXT
);
-- Due work: only Pending rows are indexed, so the index stays small however long the history grows.
CREATE INDEX IF NOT EXISTS ix_webhook_outbox_due ON webhook_outbox (region, endpoint, next_attempt_at) WHERE state = 'Pending';
CREATE INDEX IF NOT EXISTS ix_webhook_outbox_region_repository ON webhook_outbox (region, repository, created_at);
CREATE INDEX IF NOT EXISTS ix_webhook_outbox_created_at ON webhook_outbox (created_at);

-- Every attempt: when, how long, the HTTP status (null when no response) and the error, without secrets.
CREATE TABLE IF NOT EXISTS webhook_delivery_attempts (
    delivery_id  TEXT        NOT NULL REFERENCES webhook_outbox (delivery_id) ON DELETE CASCADE,
    attempt      INTEGER     NOT NULL,
    started_at   timestamptz NOT NULL,
    duration_ms  BIGINT      NOT NULL,
    status_code  INTEGER,
    error        TEXT,
    PRIMARY KEY (delivery_id, attempt)
);
