-- Axme.Orleans: the inbox thread view (GET /v1/inbox, GET /v1/inbox/changes).
--
-- axme_inbox_threads is a query table over the inbox thread grains' stored state, maintained like
-- axme_intents (002) by a trigger on orleansstorage inside the grain write's transaction. It reads the
-- snake_case JSON of InboxThreadState (a storage contract). Every write gets a new change_seq from one
-- sequence: the change feed's cursor. Idempotent: safe to run at every start.

CREATE TABLE IF NOT EXISTS axme_inbox_threads
(
    service_id      varchar(150) NOT NULL,
    thread_id       uuid         NOT NULL,
    intent_id       uuid         NOT NULL,
    org_id          text         NOT NULL,
    workspace_id    text         NOT NULL,
    owner_agent     text         NOT NULL,
    status          text         NOT NULL,
    updated_at      timestamptz  NOT NULL,
    change_seq      bigint       NOT NULL,
    version         integer      NOT NULL,
    doc             jsonb        NOT NULL,
    PRIMARY KEY (service_id, thread_id)
);

CREATE SEQUENCE IF NOT EXISTS axme_inbox_change_seq;

CREATE INDEX IF NOT EXISTS ix_axme_inbox_owner_updated
    ON axme_inbox_threads (service_id, org_id, workspace_id, owner_agent, updated_at DESC, thread_id DESC);
CREATE INDEX IF NOT EXISTS ix_axme_inbox_ws_updated
    ON axme_inbox_threads (service_id, org_id, workspace_id, updated_at DESC, thread_id DESC);
CREATE INDEX IF NOT EXISTS ix_axme_inbox_owner_changes
    ON axme_inbox_threads (service_id, org_id, workspace_id, owner_agent, change_seq);
CREATE INDEX IF NOT EXISTS ix_axme_inbox_ws_changes
    ON axme_inbox_threads (service_id, org_id, workspace_id, change_seq);

CREATE OR REPLACE FUNCTION axme_project_inbox_thread() RETURNS trigger
LANGUAGE plpgsql AS
$$
DECLARE
    thread jsonb;
BEGIN
    IF NEW.payloadbinary IS NULL THEN
        RETURN NEW; -- thread state is never cleared
    END IF;
    thread := convert_from(NEW.payloadbinary, 'UTF8')::jsonb -> 'thread';
    IF thread IS NULL OR jsonb_typeof(thread) <> 'object' THEN
        RETURN NEW;
    END IF;
    -- Thread writes take their cursor one at a time and hold this lock until they commit, so cursors
    -- become visible in order: a reader that saw cursor N will never later find a smaller one (a plain
    -- sequence would let a smaller cursor commit after a larger one and be skipped by the change feed).
    -- Inbox writes are few and this transaction ends right after the trigger.
    PERFORM pg_advisory_xact_lock(1096305993); -- 'AXMI'
    INSERT INTO axme_inbox_threads AS v (service_id, thread_id, intent_id, org_id, workspace_id, owner_agent, status,
                                         updated_at, change_seq, version, doc)
    VALUES (NEW.serviceid,
            (thread ->> 'thread_id')::uuid,
            (thread ->> 'intent_id')::uuid,
            thread ->> 'org_id',
            thread ->> 'workspace_id',
            thread ->> 'owner_agent',
            thread ->> 'status',
            (thread ->> 'updated_at')::timestamptz,
            nextval('axme_inbox_change_seq'),
            NEW.version,
            thread)
    ON CONFLICT (service_id, thread_id) DO UPDATE
        SET org_id = EXCLUDED.org_id,
            workspace_id = EXCLUDED.workspace_id,
            owner_agent = EXCLUDED.owner_agent,
            status = EXCLUDED.status,
            updated_at = EXCLUDED.updated_at,
            change_seq = EXCLUDED.change_seq,
            version = EXCLUDED.version,
            doc = EXCLUDED.doc
        WHERE v.version < EXCLUDED.version;
    RETURN NEW;
END;
$$;

DROP TRIGGER IF EXISTS axme_project_inbox_thread ON orleansstorage;
CREATE TRIGGER axme_project_inbox_thread
    AFTER INSERT OR UPDATE ON orleansstorage
    FOR EACH ROW
    WHEN (NEW.graintypestring = 'inbox_thread')
    EXECUTE FUNCTION axme_project_inbox_thread();

-- Rebuild (or repair) a view from grain state by re-running its trigger on every stored row of one grain
-- type: SELECT axme_rebuild_view('inbox_thread');  (also works for 'intent').
CREATE OR REPLACE FUNCTION axme_rebuild_view(grain_type text) RETURNS integer
LANGUAGE plpgsql AS
$$
DECLARE
    n integer;
BEGIN
    UPDATE orleansstorage SET version = version WHERE graintypestring = grain_type AND payloadbinary IS NOT NULL;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END;
$$;
