-- Axme.Orleans: media attachments (POST /v1/media/create-upload, PUT /v1/media/upload/{id}, …; docs/adr/023).
--
-- The file's bytes live in PostgreSQL beside everything else the node keeps durable: one backup, one failover, every
-- node of a cluster reads what any node wrote. axme_media holds one upload (its workspace, declared and received size
-- and SHA-256, status); axme_media_chunks its bytes in order, 1 MiB a row. The chunks' bytea is stored EXTERNAL
-- (out of line, uncompressed): media is mostly compressed already, and pglz on 50 MB would only burn CPU.
-- Idempotent: safe to run at every start.

CREATE TABLE IF NOT EXISTS axme_media
(
    service_id      varchar(150) NOT NULL,
    upload_id       uuid         NOT NULL,
    org_id          text         NOT NULL,
    workspace_id    text         NOT NULL,
    owner_agent     text         NOT NULL,
    created_by      text         NOT NULL,
    filename        text         NOT NULL,
    mime_type       text         NOT NULL,
    declared_size   bigint       NOT NULL,
    declared_sha256 text,
    size_bytes      bigint,
    sha256          text,
    status          text         NOT NULL,
    created_at      timestamptz  NOT NULL,
    expires_at      timestamptz  NOT NULL,
    uploaded_at     timestamptz,
    finalized_at    timestamptz,
    PRIMARY KEY (service_id, upload_id)
);

-- Pending uploads past their expiry: what the purge removes (MediaStore.PurgeExpiredAsync).
CREATE INDEX IF NOT EXISTS ix_axme_media_pending_expiry
    ON axme_media (service_id, expires_at)
    WHERE status = 'pending';

CREATE TABLE IF NOT EXISTS axme_media_chunks
(
    service_id      varchar(150) NOT NULL,
    upload_id       uuid         NOT NULL,
    seq             integer      NOT NULL,
    data            bytea        NOT NULL,
    PRIMARY KEY (service_id, upload_id, seq),
    FOREIGN KEY (service_id, upload_id) REFERENCES axme_media (service_id, upload_id) ON DELETE CASCADE
);

ALTER TABLE axme_media_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
