-- Axme.Orleans: intents (docs/adr/016). Idempotent: safe to run at every start.
--
-- axme_intents is the intent grains' own storage (IntentStorage, not the ADO.NET provider): one row per intent
-- with typed, indexed columns written directly by the grain's write (no trigger re-parsing JSON), the record as
-- JSON text in doc (what lists return), grain-only extras in state. Events are rows of axme_intent_events,
-- appended, so a write does not grow with the intent's history: one row per write, holding that write's events as a
-- JSON array under the first one's seq (docs/adr/033; rows written before hold one event object each). Lists, the
-- agent stream cursor and the inbox read these tables and are consistent with the write because they are the write.

CREATE TABLE IF NOT EXISTS axme_intents
(
    service_id      varchar(150) NOT NULL,
    intent_id       uuid         NOT NULL,
    org_id          text         NOT NULL,
    workspace_id    text         NOT NULL,
    status          text         NOT NULL,
    intent_type     text         NOT NULL,
    correlation_id  text         NOT NULL,
    from_agent      text         NOT NULL,
    to_agent        text         NOT NULL,
    created_at      timestamptz  NOT NULL,
    updated_at      timestamptz  NOT NULL,
    deadline_at     timestamptz  NULL,
    version         integer      NOT NULL,
    doc             text         NOT NULL,
    PRIMARY KEY (service_id, intent_id)
);

-- Columns added since the first version (the table used to be a trigger-maintained view of orleansstorage).
ALTER TABLE axme_intents ADD COLUMN IF NOT EXISTS delivery_seq bigint NULL;
ALTER TABLE axme_intents ADD COLUMN IF NOT EXISTS lease_until timestamptz NULL;
ALTER TABLE axme_intents ADD COLUMN IF NOT EXISTS waiting_reason text NULL;
-- The intent's next timer (deadline, reminder, wake-up, retry, step deadline): what the timer sweep looks for.
ALTER TABLE axme_intents ADD COLUMN IF NOT EXISTS due_at timestamptz NULL;
-- A workflow parent: the step intent it waits for (the hand-off sweep checks it exists and has not ended unseen).
ALTER TABLE axme_intents ADD COLUMN IF NOT EXISTS waiting_child uuid NULL;
ALTER TABLE axme_intents ADD COLUMN IF NOT EXISTS last_seq integer NOT NULL DEFAULT 0;
-- Grain-only extras (create request hash, idempotency entries, registered timer) as JSON text.
ALTER TABLE axme_intents ADD COLUMN IF NOT EXISTS state text NULL;
-- Rows up to a page stay inline and uncompressed: pglz on every write cost more than the bytes it saved.
ALTER TABLE axme_intents SET (toast_tuple_target = 8160, fillfactor = 90);
DO $$
BEGIN
    IF (SELECT data_type FROM information_schema.columns WHERE table_name = 'axme_intents' AND column_name = 'doc') = 'jsonb' THEN
        ALTER TABLE axme_intents ALTER COLUMN doc TYPE text USING doc::text;
    END IF;
END $$;
ALTER TABLE axme_intents ALTER COLUMN doc SET STORAGE EXTERNAL;

CREATE TABLE IF NOT EXISTS axme_intent_events
(
    service_id  varchar(150) NOT NULL,
    intent_id   uuid         NOT NULL,
    seq         integer      NOT NULL,
    doc         text         NOT NULL,
    PRIMARY KEY (service_id, intent_id, seq)
);
ALTER TABLE axme_intent_events ALTER COLUMN doc SET STORAGE EXTERNAL;
-- One row per event, whichever way it was stored: for operators' queries and the tests' checks.
CREATE OR REPLACE VIEW axme_intent_event_list AS
SELECT e.service_id, e.intent_id, (x.event ->> 'seq')::int AS seq, x.event
FROM axme_intent_events e
CROSS JOIN LATERAL jsonb_array_elements(
    CASE WHEN left(ltrim(e.doc), 1) = '[' THEN e.doc::jsonb ELSE jsonb_build_array(e.doc::jsonb) END) AS x(event);

-- Deliveries to agents (agent SSE stream): every intent that becomes deliverable to an agent (not a human task;
-- SUBMITTED or DELIVERED) gets a cursor from one server-wide sequence, so an agent's cursors are increasing and
-- sparse (PROTOCOL §6.4).
CREATE SEQUENCE IF NOT EXISTS axme_delivery_seq;

-- Secondary indexes lead with what their queries select on, and service_id comes after it: the primary key is
-- the only index that starts with service_id. A prepared statement's generic plan made while the table was still
-- empty otherwise picked any service_id-first index for a key lookup ("service_id = $1" as its only condition)
-- and kept walking it as the table grew (auto_explain showed the reads by key scanning ix_..._correlation).
DROP INDEX IF EXISTS ix_axme_intents_ws_updated;
DROP INDEX IF EXISTS ix_axme_intents_ws_status_updated;
DROP INDEX IF EXISTS ix_axme_intents_ws_live;
DROP INDEX IF EXISTS ix_axme_intents_to_agent;
DROP INDEX IF EXISTS ix_axme_intents_correlation;
DROP INDEX IF EXISTS ix_axme_intents_deliveries;
DROP INDEX IF EXISTS ix_axme_intents_live_deliveries;
DROP INDEX IF EXISTS ix_axme_intents_deadline;
DROP INDEX IF EXISTS ix_axme_intents_due;
DROP INDEX IF EXISTS ix_axme_intents_waiting_child;
DROP INDEX IF EXISTS ix_axme_intents_list;
DROP INDEX IF EXISTS ix_axme_intents_list_live;
DROP INDEX IF EXISTS ix_axme_intents_list_to_agent;
DROP INDEX IF EXISTS ix_axme_intents_by_correlation;
-- Index keys of fixed width for the long text keys of the lists (tenant, agent address, correlation id): a 64-bit
-- hash, with the columns themselves still compared by the queries (a collision costs a row read, never a wrong
-- answer). An insert or a (never HOT) update adds an entry to every index, and with the text keys in them these
-- four cost ~20 % of PostgreSQL's CPU on the approval flow (bench/node-probe.sh rate without them: 1.10-1.17
-- instead of 1.38-1.44 ms per round trip): each comparison walked org, workspace and service, all equal within a
-- tenant, through attributes whose offsets cannot be cached, before reaching the time. Queries use
-- the same functions (IntentQueries, DeliveryQueries) so the planner matches the index expressions. Never change a
-- body: the indexes hold its results; a new hash needs new function and index names.
CREATE OR REPLACE FUNCTION axme_key(t text) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $f$ SELECT hashtextextended(t, 0) $f$;
CREATE OR REPLACE FUNCTION axme_scope(service text, org text, ws text) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $f$ SELECT hashtextextended(service || E'\n' || org || E'\n' || ws, 0) $f$;
-- The list (GET /v1/intents) by workspace, newest first; live intents by status (me/tasks, bulk cancel). The
-- live index is partial, so the terminal write of an intent does not add to it. Ascending in time although the
-- lists read newest first (a backward scan): every write carries the newest time, and at the right end of an
-- index PostgreSQL inserts without descending from the root and splits pages unevenly (90/10); at the left end
-- of a descending one each insert descended and each split left two half-full pages. (Measured with pgbench on a
-- copy of the table: 40-49k rows/s inserted with the text-keyed indexes, 62-77k with hashed keys descending,
-- 75-104k ascending, 127-169k with none of the four.)
CREATE INDEX IF NOT EXISTS ix_axme_intents_scope_time
    ON axme_intents (axme_scope(service_id, org_id, workspace_id), updated_at, intent_id);
CREATE INDEX IF NOT EXISTS ix_axme_intents_scope_live_time
    ON axme_intents (axme_scope(service_id, org_id, workspace_id), status, updated_at, intent_id)
    WHERE status NOT IN ('COMPLETED', 'FAILED', 'CANCELED', 'TIMED_OUT');
CREATE INDEX IF NOT EXISTS ix_axme_intents_agent_time
    ON axme_intents (axme_key(to_agent), updated_at);
CREATE INDEX IF NOT EXISTS ix_axme_intents_correlation_key
    ON axme_intents (axme_key(correlation_id));
-- An agent's live deliveries in cursor order (the agent stream, poll leases, the mesh), in two partial indexes: the
-- ones never handed out (SUBMITTED), which a stream reads whatever its cursor, and the ones handed out and not
-- finished, which it reads only after its cursor. Partial, so they hold only the deliveries in flight, not every
-- intent the agent ever had (a scan of those grew with the agent's history). Two, because in one index the stream's
-- read walked every handed-out delivery of the agent to find the SUBMITTED ones among them: each wake-up cost as
-- much as the agent's backlog in flight (4,700 buffers per read with some 7,000 in flight). A row version is in at
-- most one of the two, as it was in the one index they replace: no write costs more.
DROP INDEX IF EXISTS ix_axme_intents_agent_deliveries;
CREATE INDEX IF NOT EXISTS ix_axme_intents_agent_queued
    ON axme_intents (to_agent, service_id, delivery_seq)
    WHERE delivery_seq IS NOT NULL AND status = 'SUBMITTED';
CREATE INDEX IF NOT EXISTS ix_axme_intents_agent_handed_out
    ON axme_intents (to_agent, service_id, delivery_seq)
    WHERE delivery_seq IS NOT NULL AND status NOT IN ('SUBMITTED', 'COMPLETED', 'FAILED', 'CANCELED', 'TIMED_OUT');
-- A poll agent's leases by expiry (DeliveryQueries.LeasableAsync): the DELIVERED deliveries a poller may lease
-- again, without walking the ones it holds leased (a poller working through thousands paid for all of them at
-- each lease call). No lease counts as expired long ago.
CREATE INDEX IF NOT EXISTS ix_axme_intents_agent_lease_expiry
    ON axme_intents (to_agent, service_id, (coalesce(lease_until, '-infinity'::timestamptz)))
    WHERE delivery_seq IS NOT NULL AND status = 'DELIVERED';
-- The next timer of each intent that has one (the start-up timer sweep).
CREATE INDEX IF NOT EXISTS ix_axme_intents_due_at
    ON axme_intents (due_at)
    WHERE due_at IS NOT NULL;
-- Workflow parents waiting for a step intent (the hand-off sweep).
CREATE INDEX IF NOT EXISTS ix_axme_intents_waiting_parents
    ON axme_intents (updated_at)
    WHERE waiting_child IS NOT NULL;

-- Upgrade from the trigger-maintained view: the trigger goes, and intents still stored by the ADO.NET provider
-- move here once (record, extras, events), then leave orleansstorage.
DO $$
BEGIN
    -- The trigger's presence marks a database not yet upgraded; fresh ones never had it.
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'axme_project_intent') THEN
        RETURN;
    END IF;
    DROP TRIGGER axme_project_intent ON orleansstorage;
    CREATE TEMP TABLE axme_old_intents ON COMMIT DROP AS
        SELECT serviceid AS service_id, version, convert_from(payloadbinary, 'UTF8')::jsonb AS s
        FROM orleansstorage WHERE graintypestring = 'intent' AND payloadbinary IS NOT NULL;
    INSERT INTO axme_intents AS v (service_id, intent_id, org_id, workspace_id, status, intent_type, correlation_id,
                                   from_agent, to_agent, created_at, updated_at, deadline_at, version, doc, delivery_seq,
                                   lease_until)
    SELECT o.service_id, (o.s #>> '{intent,intent_id}')::uuid, o.s #>> '{intent,org_id}', o.s #>> '{intent,workspace_id}',
           o.s #>> '{intent,status}', o.s #>> '{intent,intent_type}', o.s #>> '{intent,correlation_id}',
           o.s #>> '{intent,from_agent}', o.s #>> '{intent,to_agent}', (o.s #>> '{intent,created_at}')::timestamptz,
           (o.s #>> '{intent,updated_at}')::timestamptz, (o.s #>> '{intent,effective_deadline}')::timestamptz, o.version,
           (o.s -> 'intent')::text,
           CASE WHEN o.s #>> '{intent,human_task_json}' IS NULL AND o.s #>> '{intent,status}' IN ('SUBMITTED', 'DELIVERED')
                THEN nextval('axme_delivery_seq') END,
           (o.s #>> '{intent,lease_until}')::timestamptz
    FROM axme_old_intents o WHERE jsonb_typeof(o.s -> 'intent') = 'object'
    ON CONFLICT (service_id, intent_id) DO NOTHING;
    UPDATE axme_intents v
    SET version = o.version,
        doc = (o.s -> 'intent')::text,
        waiting_reason = o.s #>> '{intent,waiting_reason}',
        due_at = (o.s ->> 'reminder_due_at')::timestamptz,
        waiting_child = CASE WHEN o.s #>> '{intent,status}' NOT IN ('COMPLETED', 'FAILED', 'CANCELED', 'TIMED_OUT')
                             THEN (o.s #>> '{intent,workflow,child_id}')::uuid END,
        last_seq = COALESCE((o.s #>> '{intent,last_seq}')::int, 0),
        state = jsonb_build_object('schema_version', 2, 'create_request_hash', o.s -> 'create_request_hash',
                                   'created_status', o.s -> 'created_status', 'reminder_due_at', o.s -> 'reminder_due_at',
                                   'idempotency', COALESCE(o.s -> 'idempotency', '[]'::jsonb))::text
    FROM axme_old_intents o
    WHERE v.service_id = o.service_id AND v.intent_id = (o.s #>> '{intent,intent_id}')::uuid;
    INSERT INTO axme_intent_events (service_id, intent_id, seq, doc)
    SELECT o.service_id, (e ->> 'intent_id')::uuid, (e ->> 'seq')::int, e::text
    FROM axme_old_intents o, jsonb_array_elements(COALESCE(o.s -> 'events', '[]'::jsonb)) e
    ON CONFLICT DO NOTHING;
    DELETE FROM orleansstorage WHERE graintypestring = 'intent';
END $$;
DROP FUNCTION IF EXISTS axme_project_intent();
DROP FUNCTION IF EXISTS axme_rebuild_intent_view();
