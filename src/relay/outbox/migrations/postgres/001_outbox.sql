-- The relay's shared outbox (RELAY_DB=postgres://…): N relay instances accept into it and forward from it.
-- seq is the RelayEvent.sequence: assigned by the database when the event is inserted, in its own commit.
CREATE TABLE relay_events (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  received_ms BIGINT NOT NULL,
  received_at TEXT NOT NULL,
  group_key TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed')),
  failed_reason TEXT,
  failed_ms BIGINT,
  -- The instance forwarding the event and until when; another instance takes it over once the lease ends.
  lease_owner TEXT,
  lease_until_ms BIGINT
);
CREATE INDEX relay_events_pending ON relay_events (seq) WHERE state = 'pending';
CREATE INDEX relay_events_failed ON relay_events (failed_ms DESC) WHERE state = 'failed';

-- Duplicate suppression across instances: the primary key is the arbiter, whichever instance gets a copy.
CREATE TABLE relay_dedup (
  source TEXT NOT NULL,
  key TEXT NOT NULL,
  event_id TEXT NOT NULL,
  expires_ms BIGINT NOT NULL,
  PRIMARY KEY (source, key)
);
CREATE INDEX relay_dedup_expires ON relay_dedup (expires_ms);
