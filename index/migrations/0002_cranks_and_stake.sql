-- The index's schema, version 2: who sent each transaction, which intent an event belongs to,
-- the keeper's cranks, each agent's stake (free and locked), an intent's parent (a part of a
-- job) and its auction round (re-auctions after failovers).

-- The transaction's fee payer (for a crank: who sent it; NULL where the source did not say),
-- and the intent the event is about (NULL for events about no intent).
ALTER TABLE events ADD COLUMN payer TEXT;
ALTER TABLE events ADD COLUMN intent TEXT;
CREATE INDEX IF NOT EXISTS events_intent ON events (intent, seq);

-- Permissionless cranks (award, expiry, failover, a standby's failure, closes): what moved
-- which intent, when, sent by whom, for what tip (lamports; NULL where the event does not say).
CREATE TABLE IF NOT EXISTS cranks (
    signature TEXT NOT NULL,
    idx BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    slot BIGINT NOT NULL,
    intent TEXT NOT NULL,
    crank TEXT NOT NULL,
    sender TEXT,
    tip BIGINT,
    PRIMARY KEY (signature, idx)
);
CREATE INDEX IF NOT EXISTS cranks_seq ON cranks (seq);

-- Cranks and tips per sender, kept as cranks are written (a GROUP BY over every crank would
-- grow with the market).
CREATE TABLE IF NOT EXISTS crank_senders (
    sender TEXT PRIMARY KEY,
    cranks BIGINT NOT NULL,
    tips BIGINT NOT NULL
);

-- What the API reads by: the newest intents first (of a status; the capability filter counts
-- from its own index, not the table), an agent's jobs, intents not yet closed
-- (the cranks due), the last event (the live page's head), an agent's history in order.
CREATE INDEX IF NOT EXISTS intents_created ON intents (created_slot, address);
CREATE INDEX IF NOT EXISTS intents_status_created ON intents (status, created_slot, address);
CREATE INDEX IF NOT EXISTS intents_capabilities ON intents (capabilities);
CREATE INDEX IF NOT EXISTS intents_winner ON intents (winner_agent);
CREATE INDEX IF NOT EXISTS intents_closed ON intents (closed_slot);
CREATE INDEX IF NOT EXISTS events_seq ON events (seq);
CREATE INDEX IF NOT EXISTS agent_history_seq ON agent_history (agent, seq);

-- Stake in the registry's vault (atoms), and how much of it is locked behind jobs.
ALTER TABLE agents ADD COLUMN staked BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN locked BIGINT NOT NULL DEFAULT 0;

-- The job an intent is a part of (`IntentLinked`), and its auction round (a failover that
-- re-auctions starts the next).
ALTER TABLE intents ADD COLUMN parent TEXT;
ALTER TABLE intents ADD COLUMN round BIGINT NOT NULL DEFAULT 0;

-- Intents per status, kept as statuses change: a list's total without counting the list.
CREATE TABLE IF NOT EXISTS status_counts (
    status TEXT PRIMARY KEY,
    intents BIGINT NOT NULL
);
