-- Axme.Orleans: the ASP.NET Core Data Protection key ring, shared by every node of a cluster.
--
-- Webhook signing secrets must be usable (the runtime signs with them), so unlike API keys they cannot
-- be stored as hashes; they are stored encrypted with Data Protection keys kept here, so every node
-- can decrypt what any node encrypted. Rows are the key ring's XML elements, never changed, only added.

CREATE TABLE IF NOT EXISTS axme_data_protection_keys
(
    service_id   varchar(150) NOT NULL,
    name         text         NOT NULL,
    xml          text         NOT NULL,
    created_at   timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, name)
);

-- Intents not yet handed to their agent: what the delivery sweep re-dispatches (DeliverySweep).
-- (updated_at first, not service_id: see the note on indexes in 002.)
DROP INDEX IF EXISTS ix_axme_intents_submitted;
CREATE INDEX IF NOT EXISTS ix_axme_intents_submitted_at
    ON axme_intents (updated_at)
    WHERE status = 'SUBMITTED';
