-- ==== Webhook outbox and delivery log (issue 5, "Deploy webhooks") ====
-- One row per region, endpoint and image event (webhook_id is stable for them, so enqueueing twice is a no-op).
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
