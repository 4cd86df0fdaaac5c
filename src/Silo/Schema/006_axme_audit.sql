-- Axme.Orleans: the audit log (GET /v1/audit/events, docs/adr/028).
--
-- One row per security-relevant action (sign-ins, sessions, keys, accounts, roles, organizations, workspaces,
-- members, policies, kills), written by the API in the request that did it, before its answer: who (account, its
-- address and kind, the session), what (action, outcome, target), where (organization and workspace) and from where
-- (client address, User-Agent). Rows are only ever added. Idempotent: safe to run at every start.

CREATE TABLE IF NOT EXISTS axme_audit_events
(
    service_id    varchar(150) NOT NULL,
    event_id      bigint       GENERATED ALWAYS AS IDENTITY,
    at            timestamptz  NOT NULL DEFAULT now(),
    org_id        text         NULL,
    workspace_id  text         NULL,
    action        text         NOT NULL,
    outcome       text         NOT NULL,
    actor_id      text         NULL,
    actor_address text         NULL,
    actor_kind    text         NOT NULL,
    session_id    text         NULL,
    target_type   text         NULL,
    target_id     text         NULL,
    source_ip     text         NULL,
    user_agent    text         NULL,
    details       text         NOT NULL DEFAULT '{}',
    PRIMARY KEY (service_id, event_id)
);
-- An organization's (or workspace's) events newest first, the listing's one query shape besides the whole log's.
CREATE INDEX IF NOT EXISTS ix_axme_audit_events_scope ON axme_audit_events (org_id, workspace_id, event_id);
