-- Axme.Orleans: the intent list view (GET /v1/intents, bulk cancel, the deadline sweep).
--
-- axme_intents is a query table over the intent grains' stored state. It is maintained by a trigger
-- on orleansstorage, inside the same transaction as the grain write, so the view can never disagree
-- with grain state (no crash window, no second round trip). The trigger reads the JSON written by the
-- System.Text.Json grain storage serializer (snake_case names: a storage contract, see
-- Axme.Grains.Interfaces.Common.StorageJson and IntentState). Idempotent: safe to run at every start.

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
    doc             jsonb        NOT NULL,
    PRIMARY KEY (service_id, intent_id)
);

CREATE INDEX IF NOT EXISTS ix_axme_intents_ws_updated
    ON axme_intents (service_id, org_id, workspace_id, updated_at DESC, intent_id DESC);
CREATE INDEX IF NOT EXISTS ix_axme_intents_ws_status_updated
    ON axme_intents (service_id, org_id, workspace_id, status, updated_at DESC, intent_id DESC);
CREATE INDEX IF NOT EXISTS ix_axme_intents_to_agent
    ON axme_intents (service_id, org_id, workspace_id, to_agent, updated_at DESC);
CREATE INDEX IF NOT EXISTS ix_axme_intents_correlation
    ON axme_intents (service_id, correlation_id);
-- Deliveries to agents (agent SSE stream): every intent that becomes deliverable to an agent (not a
-- human task; SUBMITTED or DELIVERED) gets a cursor from one server-wide sequence, so an agent's
-- cursors are increasing and sparse (PROTOCOL §6.4).
ALTER TABLE axme_intents ADD COLUMN IF NOT EXISTS delivery_seq bigint NULL;
ALTER TABLE axme_intents ADD COLUMN IF NOT EXISTS lease_until timestamptz NULL;
CREATE SEQUENCE IF NOT EXISTS axme_delivery_seq;
CREATE INDEX IF NOT EXISTS ix_axme_intents_deliveries
    ON axme_intents (service_id, to_agent, delivery_seq)
    WHERE delivery_seq IS NOT NULL;

-- Only live intents with a deadline: what the start-up deadline sweep looks for.
CREATE INDEX IF NOT EXISTS ix_axme_intents_deadline
    ON axme_intents (service_id, deadline_at)
    WHERE deadline_at IS NOT NULL AND status NOT IN ('COMPLETED', 'FAILED', 'CANCELED', 'TIMED_OUT');

CREATE OR REPLACE FUNCTION axme_project_intent() RETURNS trigger
LANGUAGE plpgsql AS
$$
DECLARE
    state       jsonb;
    intent      jsonb;
    deliverable boolean;
BEGIN
    IF NEW.payloadbinary IS NULL THEN
        -- Intent state is never cleared (intents are kept for their whole history); nothing to project.
        RETURN NEW;
    END IF;
    state := convert_from(NEW.payloadbinary, 'UTF8')::jsonb;
    intent := state -> 'intent';
    IF intent IS NULL OR jsonb_typeof(intent) <> 'object' THEN
        RETURN NEW;
    END IF;
    deliverable := intent ->> 'human_task_json' IS NULL AND intent ->> 'status' IN ('SUBMITTED', 'DELIVERED');
    INSERT INTO axme_intents AS v (service_id, intent_id, org_id, workspace_id, status, intent_type, correlation_id,
                                   from_agent, to_agent, created_at, updated_at, deadline_at, version, doc, delivery_seq,
                                   lease_until)
    VALUES (NEW.serviceid,
            (intent ->> 'intent_id')::uuid,
            intent ->> 'org_id',
            intent ->> 'workspace_id',
            intent ->> 'status',
            intent ->> 'intent_type',
            intent ->> 'correlation_id',
            intent ->> 'from_agent',
            intent ->> 'to_agent',
            (intent ->> 'created_at')::timestamptz,
            (intent ->> 'updated_at')::timestamptz,
            (intent ->> 'effective_deadline')::timestamptz,
            NEW.version,
            intent,
            CASE WHEN deliverable THEN nextval('axme_delivery_seq') END,
            (intent ->> 'lease_until')::timestamptz)
    ON CONFLICT (service_id, intent_id) DO UPDATE
        SET status = EXCLUDED.status,
            updated_at = EXCLUDED.updated_at,
            deadline_at = EXCLUDED.deadline_at,
            version = EXCLUDED.version,
            doc = EXCLUDED.doc,
            delivery_seq = COALESCE(v.delivery_seq, EXCLUDED.delivery_seq),
            lease_until = EXCLUDED.lease_until
        WHERE v.version < EXCLUDED.version;
    RETURN NEW;
END;
$$;

DROP TRIGGER IF EXISTS axme_project_intent ON orleansstorage;
CREATE TRIGGER axme_project_intent
    AFTER INSERT OR UPDATE ON orleansstorage
    FOR EACH ROW
    WHEN (NEW.graintypestring = 'intent')
    EXECUTE FUNCTION axme_project_intent();

-- Rebuild (or repair) the view from grain state: SELECT axme_rebuild_intent_view();
CREATE OR REPLACE FUNCTION axme_rebuild_intent_view() RETURNS integer
LANGUAGE plpgsql AS
$$
DECLARE
    n integer;
BEGIN
    UPDATE orleansstorage SET version = version WHERE graintypestring = 'intent' AND payloadbinary IS NOT NULL;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END;
$$;
