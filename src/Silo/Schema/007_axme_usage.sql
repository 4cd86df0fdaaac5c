-- Axme.Orleans: usage (GET /v1/usage/*, quotas, docs/adr/029). Idempotent: safe to run at every start.
--
-- Counted events (intents created, inbox writes, media bytes uploaded, webhook deliveries, schema writes, requests)
-- per workspace, dimension and UTC hour: each silo counts in memory and adds its counts every few seconds (UsageFlush),
-- one upsert per workspace and dimension, so counting costs the request path nothing. Levels (bytes stored, open human
-- tasks, accounts) are not here: they are read from the tables and grains that hold them.
CREATE TABLE IF NOT EXISTS axme_usage
(
    service_id    varchar(150) NOT NULL,
    org_id        text         NOT NULL,
    workspace_id  text         NOT NULL,
    dimension     text         NOT NULL,
    hour          timestamptz  NOT NULL,
    amount        bigint       NOT NULL,
    PRIMARY KEY (service_id, org_id, workspace_id, dimension, hour)
);
-- The refresh's one read of the day's buckets of every workspace, and the retention's of the oldest.
CREATE INDEX IF NOT EXISTS ix_axme_usage_hour ON axme_usage (hour, service_id);

-- Daily rollups (POST /v1/usage/rollups/daily): each day's totals per dimension, levels included as they stood when
-- the rollup ran; what a billing or reporting export reads. Hourly buckets older than the longest time series (90
-- days) are rolled up here and deleted (UsageFlush, hourly), so this is the history that stays.
CREATE TABLE IF NOT EXISTS axme_usage_daily
(
    service_id    varchar(150) NOT NULL,
    org_id        text         NOT NULL,
    workspace_id  text         NOT NULL,
    day           date         NOT NULL,
    dimension     text         NOT NULL,
    amount        bigint       NOT NULL,
    generated_at  timestamptz  NOT NULL,
    PRIMARY KEY (service_id, org_id, workspace_id, day, dimension)
);
