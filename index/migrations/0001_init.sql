-- The index's schema, version 1. Portable SQL (SQLite and PostgreSQL): integers are BIGINT
-- (token atoms and slots fit in 63 bits), keys and hashes TEXT (base58 / hex), the event's
-- decoded fields JSON text.

-- Every event of either program, once: (signature, index in the transaction's logs).
CREATE TABLE IF NOT EXISTS events (
    signature TEXT NOT NULL,
    idx BIGINT NOT NULL,
    -- The order the index received it in (slot, then the chain's order within the slot).
    seq BIGINT NOT NULL,
    slot BIGINT NOT NULL,
    program TEXT NOT NULL,
    name TEXT NOT NULL,
    fields TEXT NOT NULL,
    PRIMARY KEY (signature, idx)
);
CREATE INDEX IF NOT EXISTS events_slot ON events (slot);
CREATE INDEX IF NOT EXISTS events_name ON events (name);

-- One row per intent, from `IntentCreated` (its terms) and the events that move it.
CREATE TABLE IF NOT EXISTS intents (
    address TEXT PRIMARY KEY,
    requester TEXT NOT NULL,
    intent_id BIGINT NOT NULL,
    mint TEXT NOT NULL,
    kind TEXT NOT NULL,
    capabilities BIGINT NOT NULL,
    max_price BIGINT NOT NULL,
    max_latency BIGINT NOT NULL,
    min_stake BIGINT NOT NULL,
    min_reputation BIGINT NOT NULL,
    weights TEXT NOT NULL,
    context_uri TEXT NOT NULL,
    evaluator TEXT,
    evaluator_fee BIGINT NOT NULL,
    deadline_slot BIGINT,
    created_slot BIGINT NOT NULL,
    commit_end_slot BIGINT NOT NULL,
    reveal_end_slot BIGINT NOT NULL,
    status TEXT NOT NULL,
    bids BIGINT NOT NULL DEFAULT 0,
    winner_agent TEXT,
    payment BIGINT,
    award_slot BIGINT,
    fulfilled_bps BIGINT,
    paid BIGINT,
    refunded BIGINT,
    rating_bps BIGINT,
    failovers BIGINT NOT NULL DEFAULT 0,
    ended_slot BIGINT,
    closed_slot BIGINT,
    terms TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS intents_status ON intents (status);

-- Each status an intent took, when.
CREATE TABLE IF NOT EXISTS intent_status (
    signature TEXT NOT NULL,
    idx BIGINT NOT NULL,
    intent TEXT NOT NULL,
    seq BIGINT NOT NULL,
    slot BIGINT NOT NULL,
    status TEXT NOT NULL,
    PRIMARY KEY (signature, idx)
);
CREATE INDEX IF NOT EXISTS intent_status_intent ON intent_status (intent);

-- Bids: committed (sealed) or placed (continuous), then revealed with their terms and score.
CREATE TABLE IF NOT EXISTS bids (
    bid TEXT PRIMARY KEY,
    intent TEXT NOT NULL,
    agent TEXT NOT NULL,
    commitment TEXT,
    bond BIGINT,
    price BIGINT,
    quality_bps BIGINT,
    latency BIGINT,
    reputation BIGINT,
    score BIGINT,
    fate TEXT NOT NULL,
    slot BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS bids_intent ON bids (intent);

-- Agents, and their record over time.
CREATE TABLE IF NOT EXISTS agents (
    agent TEXT PRIMARY KEY,
    capabilities BIGINT,
    registered_slot BIGINT,
    reputation BIGINT NOT NULL DEFAULT 0,
    completed BIGINT NOT NULL DEFAULT 0,
    failed BIGINT NOT NULL DEFAULT 0,
    slashed BIGINT NOT NULL DEFAULT 0,
    last_heartbeat_slot BIGINT,
    progress_bps BIGINT
);
CREATE TABLE IF NOT EXISTS agent_history (
    signature TEXT NOT NULL,
    idx BIGINT NOT NULL,
    agent TEXT NOT NULL,
    seq BIGINT NOT NULL,
    slot BIGINT NOT NULL,
    kind TEXT NOT NULL,
    value BIGINT,
    reputation BIGINT NOT NULL,
    PRIMARY KEY (signature, idx)
);
CREATE INDEX IF NOT EXISTS agent_history_agent ON agent_history (agent, slot);
