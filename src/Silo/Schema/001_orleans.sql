-- =============================================================================
-- 001_orleans.sql -- Axme.Orleans: PostgreSQL 15 schema for the Orleans ADO.NET
-- providers (grain persistence, reminders, clustering), Orleans 10.4.2.
--
-- This is the project's own script. It is not a copy of the scripts in the
-- dotnet/orleans repository (those ship in no NuGet package); it was written to
-- meet the query contract that the 10.4.2 provider assemblies expect:
--
--   * Each provider loads "SELECT QueryKey, QueryText FROM OrleansQuery" once at
--     start and fails when one of its keys is missing. It binds parameters by
--     name (@Name) and reads result columns by name (case-insensitively), so
--     the aliases below are part of the contract; table and function names are
--     not.
--   * Grain storage: a write succeeds only if the stored version equals
--     @GrainStateVersion (or, when that is NULL, no row exists yet) and returns
--     the new version as NewGrainStateVersion. On a lost race it returns the
--     caller's version (or NULL), which the provider turns into
--     Orleans.Storage.InconsistentStateException.
--   * Reminders: upsert is unconditional and returns the row's new Version;
--     delete is compare-and-swap on Version and returns one boolean.
--   * Clustering: inserting or updating a membership row is compare-and-swap on
--     the per-deployment row in orleansmembershipversiontable and returns 1/0;
--     a failed swap leaves both tables untouched.
--
-- The application applies this file at every start, inside one transaction, so
-- every statement is idempotent: running it again changes nothing. Do not put
-- BEGIN/COMMIT in here (use `psql -1 -v ON_ERROR_STOP=1 -f ...` by hand).
--
-- Layout rules other scripts rely on (e.g. the trigger in 002_axme.sql):
--   * orleansstorage holds exactly one row per grain state (service, state
--     name, grain id), updated in place; the unique index enforces this.
--   * payloadbinary is bytea. With the System.Text.Json grain storage
--     serializer it holds UTF-8 JSON, so convert_from(payloadbinary, 'UTF8')
--     ::jsonb works. ClearStateAsync sets it to NULL and bumps version (with
--     DeleteStateOnClear = true the row is deleted instead).
--   * Identifiers are unquoted, hence lowercase.
-- =============================================================================

-- Two silos starting at once would race on CREATE ... IF NOT EXISTS / CREATE OR
-- REPLACE; serialise them. Released when the applying transaction ends.
SELECT pg_advisory_xact_lock(7243150001);

-- -----------------------------------------------------------------------------
-- Query catalogue read by all three providers.
-- -----------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64)   NOT NULL,
    querytext varchar(8000) NOT NULL,
    CONSTRAINT pk_orleansquery PRIMARY KEY (querykey)
);

-- =============================================================================
-- Grain persistence
-- =============================================================================
-- Grain identity as the provider passes it:
--   graintypestring        the state name of [PersistentState("name", ...)]
--   grainidn0/grainidn1    a Guid key's two 64-bit halves, or 0/<long> for an
--                          integer key, or 0/0 for a string key
--   grainidextensionstring the string key, or the key extension of a Guid/long
--                          key, or NULL
--   grainidhash/graintypehash  32-bit hashes the provider computes; they make
--                          the lookup index narrow.
CREATE TABLE IF NOT EXISTS orleansstorage
(
    grainidhash            integer      NOT NULL,
    grainidn0              bigint       NOT NULL,
    grainidn1              bigint       NOT NULL,
    graintypehash          integer      NOT NULL,
    graintypestring        varchar(512) NOT NULL,
    grainidextensionstring varchar(512) NULL,
    serviceid              varchar(150) NOT NULL,
    payloadbinary          bytea        NULL,
    modifiedon             timestamptz  NOT NULL DEFAULT now(),
    version                integer      NOT NULL
);

-- One row per grain state. The hashes lead so that equality on them finds the
-- row at once (a string-keyed grain has grainidn0 = grainidn1 = 0). NULLS NOT
-- DISTINCT makes two NULL extensions collide, as they must.
CREATE UNIQUE INDEX IF NOT EXISTS ux_orleansstorage_grain
    ON orleansstorage (grainidhash, graintypehash, serviceid, graintypestring,
                       grainidn0, grainidn1, grainidextensionstring)
    NULLS NOT DISTINCT;

-- Compare-and-swap write. Returns the new version, or, when the swap fails,
-- the caller's version (update) or NULL (first insert lost to another writer).
CREATE OR REPLACE FUNCTION orleans_storage_write(
    p_grainidhash            integer,
    p_grainidn0              bigint,
    p_grainidn1              bigint,
    p_graintypehash          integer,
    p_graintypestring        varchar,
    p_grainidextensionstring varchar,
    p_serviceid              varchar,
    p_expected_version       integer,
    p_payloadbinary          bytea)
    RETURNS integer
    LANGUAGE plpgsql
AS $fn$
DECLARE
    v_new integer;
BEGIN
    IF p_expected_version IS NULL THEN
        -- The grain never saw a stored row: create it, unless someone else did.
        INSERT INTO orleansstorage
            (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring,
             grainidextensionstring, serviceid, payloadbinary, modifiedon, version)
        VALUES
            (p_grainidhash, p_grainidn0, p_grainidn1, p_graintypehash, p_graintypestring,
             p_grainidextensionstring, p_serviceid, p_payloadbinary, now(), 1)
        ON CONFLICT DO NOTHING
        RETURNING version INTO v_new;
        RETURN v_new;                       -- 1, or NULL on conflict
    END IF;

    UPDATE orleansstorage AS s
       SET payloadbinary = p_payloadbinary,
           modifiedon    = now(),
           version       = s.version + 1
     WHERE s.grainidhash     = p_grainidhash
       AND s.graintypehash   = p_graintypehash
       AND s.serviceid       = p_serviceid
       AND s.graintypestring = p_graintypestring
       AND s.grainidn0       = p_grainidn0
       AND s.grainidn1       = p_grainidn1
       AND s.grainidextensionstring IS NOT DISTINCT FROM p_grainidextensionstring
       AND s.version         = p_expected_version
    RETURNING s.version INTO v_new;

    RETURN coalesce(v_new, p_expected_version);
END;
$fn$;

-- =============================================================================
-- Reminders
-- =============================================================================
-- grainid is GrainId.ToString() (e.g. "counter/g1"); period is milliseconds;
-- grainhash is the grain's uniform hash cast to a signed int (ring ranges).
CREATE TABLE IF NOT EXISTS orleansreminderstable
(
    serviceid    varchar(150) NOT NULL,
    grainid      text         NOT NULL,
    remindername text         NOT NULL,
    starttime    timestamptz  NOT NULL,
    period       bigint       NOT NULL,
    grainhash    integer      NOT NULL,
    version      integer      NOT NULL,
    CONSTRAINT pk_orleansreminderstable PRIMARY KEY (serviceid, grainid, remindername)
);

-- The reminder service's range reads (ReadRangeRows*Key) filter on starttime as well: with it in the index, rows
-- not yet near are passed over inside the index, never fetched.
CREATE INDEX IF NOT EXISTS ix_orleansreminderstable_hash_start
    ON orleansreminderstable (serviceid, grainhash, starttime);
DROP INDEX IF EXISTS ix_orleansreminderstable_hash;

-- =============================================================================
-- Clustering (membership)
-- =============================================================================
-- One row per deployment (ClusterOptions.ClusterId); its version is the
-- membership table's etag.
CREATE TABLE IF NOT EXISTS orleansmembershipversiontable
(
    deploymentid varchar(150) NOT NULL,
    "timestamp"  timestamptz  NOT NULL DEFAULT now(),
    version      integer      NOT NULL DEFAULT 0,
    CONSTRAINT pk_orleansmembershipversiontable PRIMARY KEY (deploymentid)
);

-- One row per silo incarnation (address, port, generation). status holds
-- Orleans.Runtime.SiloStatus (3 = Active, 6 = Dead); suspecttimes is the
-- provider's "addr,time|addr,time" text.
CREATE TABLE IF NOT EXISTS orleansmembershiptable
(
    deploymentid varchar(150) NOT NULL,
    address      varchar(45)  NOT NULL,
    port         integer      NOT NULL,
    generation   integer      NOT NULL,
    siloname     varchar(150) NOT NULL,
    hostname     varchar(150) NOT NULL,
    status       integer      NOT NULL,
    proxyport    integer      NULL,
    suspecttimes text         NULL,
    starttime    timestamptz  NOT NULL,
    iamalivetime timestamptz  NOT NULL,
    CONSTRAINT pk_orleansmembershiptable PRIMARY KEY (deploymentid, address, port, generation),
    CONSTRAINT fk_orleansmembershiptable_version FOREIGN KEY (deploymentid)
        REFERENCES orleansmembershipversiontable (deploymentid)
);

-- Adds a silo row if the deployment's version is still p_expected_version and
-- the row is new; then bumps the version. 1 on success, 0 otherwise (and then
-- nothing was changed). The version row is locked first, so concurrent
-- writers are serialised and the loser sees the new version.
CREATE OR REPLACE FUNCTION orleans_membership_insert(
    p_deploymentid     varchar,
    p_address          varchar,
    p_port             integer,
    p_generation       integer,
    p_siloname         varchar,
    p_hostname         varchar,
    p_status           integer,
    p_proxyport        integer,
    p_starttime        timestamptz,
    p_iamalivetime     timestamptz,
    p_expected_version integer)
    RETURNS integer
    LANGUAGE plpgsql
AS $fn$
DECLARE
    v_current integer;
    v_rows    integer;
BEGIN
    SELECT version INTO v_current
      FROM orleansmembershipversiontable
     WHERE deploymentid = p_deploymentid
       FOR UPDATE;

    IF v_current IS NULL OR p_expected_version IS NULL OR v_current <> p_expected_version THEN
        RETURN 0;
    END IF;

    INSERT INTO orleansmembershiptable
        (deploymentid, address, port, generation, siloname, hostname,
         status, proxyport, suspecttimes, starttime, iamalivetime)
    VALUES
        (p_deploymentid, p_address, p_port, p_generation, p_siloname, p_hostname,
         p_status, p_proxyport, NULL, p_starttime, p_iamalivetime)
    ON CONFLICT DO NOTHING;

    GET DIAGNOSTICS v_rows = ROW_COUNT;
    IF v_rows = 0 THEN
        RETURN 0;
    END IF;

    UPDATE orleansmembershipversiontable
       SET version = version + 1, "timestamp" = now()
     WHERE deploymentid = p_deploymentid;
    RETURN 1;
END;
$fn$;

-- Updates an existing silo row under the same compare-and-swap rule.
CREATE OR REPLACE FUNCTION orleans_membership_update(
    p_deploymentid     varchar,
    p_address          varchar,
    p_port             integer,
    p_generation       integer,
    p_status           integer,
    p_suspecttimes     text,
    p_iamalivetime     timestamptz,
    p_expected_version integer)
    RETURNS integer
    LANGUAGE plpgsql
AS $fn$
DECLARE
    v_current integer;
    v_rows    integer;
BEGIN
    SELECT version INTO v_current
      FROM orleansmembershipversiontable
     WHERE deploymentid = p_deploymentid
       FOR UPDATE;

    IF v_current IS NULL OR p_expected_version IS NULL OR v_current <> p_expected_version THEN
        RETURN 0;
    END IF;

    UPDATE orleansmembershiptable
       SET status       = p_status,
           suspecttimes = p_suspecttimes,
           iamalivetime = p_iamalivetime
     WHERE deploymentid = p_deploymentid
       AND address      = p_address
       AND port         = p_port
       AND generation   = p_generation;

    GET DIAGNOSTICS v_rows = ROW_COUNT;
    IF v_rows = 0 THEN
        RETURN 0;
    END IF;

    UPDATE orleansmembershipversiontable
       SET version = version + 1, "timestamp" = now()
     WHERE deploymentid = p_deploymentid;
    RETURN 1;
END;
$fn$;

-- =============================================================================
-- The queries. Upserted so that a changed text here replaces the stored one;
-- an unchanged text does not even rewrite the row.
-- =============================================================================
INSERT INTO orleansquery AS q (querykey, querytext)
VALUES

-- ---- grain persistence ------------------------------------------------------
('ReadFromStorageKey', $q$
SELECT s.payloadbinary AS payloadbinary,
       s.modifiedon    AS modifiedon,
       s.version       AS version
  FROM orleansstorage AS s
 WHERE s.grainidhash     = @GrainIdHash
   AND s.graintypehash   = @GrainTypeHash
   AND s.serviceid       = @ServiceId
   AND s.graintypestring = @GrainTypeString
   AND s.grainidn0       = @GrainIdN0
   AND s.grainidn1       = @GrainIdN1
   AND s.grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
$q$),

('WriteToStorageKey', $q$
SELECT orleans_storage_write(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash,
                             @GrainTypeString, @GrainIdExtensionString, @ServiceId,
                             @GrainStateVersion, @PayloadBinary) AS newgrainstateversion
$q$),

-- Keeps the row, drops the payload, bumps the version; no row back = conflict.
('ClearStorageKey', $q$
UPDATE orleansstorage AS s
   SET payloadbinary = NULL,
       modifiedon    = now(),
       version       = s.version + 1
 WHERE s.grainidhash     = @GrainIdHash
   AND s.graintypehash   = @GrainTypeHash
   AND s.serviceid       = @ServiceId
   AND s.graintypestring = @GrainTypeString
   AND s.grainidn0       = @GrainIdN0
   AND s.grainidn1       = @GrainIdN1
   AND s.grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
   AND s.version         = @GrainStateVersion
RETURNING s.version AS newgrainstateversion
$q$),

-- Used instead of ClearStorageKey when DeleteStateOnClear = true. The provider
-- needs a value different from the old version on success; no row = conflict.
('DeleteStorageKey', $q$
DELETE FROM orleansstorage AS s
 WHERE s.grainidhash     = @GrainIdHash
   AND s.graintypehash   = @GrainTypeHash
   AND s.serviceid       = @ServiceId
   AND s.graintypestring = @GrainTypeString
   AND s.grainidn0       = @GrainIdN0
   AND s.grainidn1       = @GrainIdN1
   AND s.grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
   AND s.version         = @GrainStateVersion
RETURNING s.version + 1 AS newgrainstateversion
$q$),

-- ---- reminders --------------------------------------------------------------
('UpsertReminderRowKey', $q$
INSERT INTO orleansreminderstable AS r
       (serviceid, grainid, remindername, starttime, period, grainhash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, CAST(@Period AS bigint), @GrainHash, 0)
ON CONFLICT (serviceid, grainid, remindername) DO UPDATE
   SET starttime = EXCLUDED.starttime,
       period    = EXCLUDED.period,
       grainhash = EXCLUDED.grainhash,
       version   = r.version + 1
RETURNING r.version AS version
$q$),

('ReadReminderRowsKey', $q$
SELECT grainid, remindername, starttime, period, version
  FROM orleansreminderstable
 WHERE serviceid = @ServiceId
   AND grainid   = @GrainId
$q$),

('ReadReminderRowKey', $q$
SELECT grainid, remindername, starttime, period, version
  FROM orleansreminderstable
 WHERE serviceid    = @ServiceId
   AND grainid      = @GrainId
   AND remindername = @ReminderName
$q$),

-- The reminder service reads its whole ring range at start and at every refresh (Axme:Reminders:RefreshPeriod),
-- keeps in memory the reminders whose next tick is within its loading window (Axme:Reminders:LoadingWindow) and
-- drops the rest. So the range reads return only the reminders near enough to matter: a reminder's next tick is its
-- starttime while that is ahead, and within one period of now once it has passed, so "starttime <= now + 4
-- minutes" is every reminder ticking within 4 minutes. A far-future reminder then stays a row in this indexed table
-- until a refresh finds it near (ADR 018 §9): a million waiting deadlines cost no memory and no read until then.
-- The 4 minutes must exceed the loading window by the clock skew allowed between silos and the database: the node
-- refuses a loading window over 3 minutes (AxmeOptions.Reminders). Reads of one grain's reminders are not filtered.
-- Ring range (BeginHash, EndHash] that does not wrap in signed order.
('ReadRangeRows1Key', $q$
SELECT grainid, remindername, starttime, period, version
  FROM orleansreminderstable
 WHERE serviceid = @ServiceId
   AND grainhash > @BeginHash
   AND grainhash <= @EndHash
   AND starttime <= now() + interval '4 minutes'
$q$),

-- Ring range that wraps: above BeginHash or up to EndHash.
('ReadRangeRows2Key', $q$
SELECT grainid, remindername, starttime, period, version
  FROM orleansreminderstable
 WHERE serviceid = @ServiceId
   AND (grainhash > @BeginHash OR grainhash <= @EndHash)
   AND starttime <= now() + interval '4 minutes'
$q$),

-- Exactly one row, one boolean column: true if the expected version was deleted.
('DeleteReminderRowKey', $q$
WITH gone AS (
    DELETE FROM orleansreminderstable
     WHERE serviceid    = @ServiceId
       AND grainid      = @GrainId
       AND remindername = @ReminderName
       AND version      = @Version
    RETURNING 1
)
SELECT count(*) > 0 AS deleted FROM gone
$q$),

('DeleteReminderRowsKey', $q$
DELETE FROM orleansreminderstable
 WHERE serviceid = @ServiceId
$q$),

-- ---- clustering -------------------------------------------------------------
-- 1 if the deployment's version row was created now, 0 if it existed.
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO orleansmembershipversiontable (deploymentid)
    VALUES (@DeploymentId)
    ON CONFLICT (deploymentid) DO NOTHING
    RETURNING 1
)
SELECT count(*)::integer AS created FROM created
$q$),

('InsertMembershipKey', $q$
SELECT orleans_membership_insert(@DeploymentId, @Address, @Port, @Generation, @SiloName,
                                 @HostName, @Status, @ProxyPort, @StartTime,
                                 @IAmAliveTime, @Version) AS succeeded
$q$),

('UpdateMembershipKey', $q$
SELECT orleans_membership_update(@DeploymentId, @Address, @Port, @Generation, @Status,
                                 @SuspectTimes, @IAmAliveTime, @Version) AS succeeded
$q$),

-- Heartbeat: not versioned, never moves the timestamp backwards.
('UpdateIAmAlivetimeKey', $q$
UPDATE orleansmembershiptable
   SET iamalivetime = GREATEST(iamalivetime, @IAmAliveTime)
 WHERE deploymentid = @DeploymentId
   AND address      = @Address
   AND port         = @Port
   AND generation   = @Generation
$q$),

-- The version row comes back even when the silo row does not exist (the LEFT
-- JOIN leaves the silo columns NULL; the provider then sees no entry).
('MembershipReadRowKey', $q$
SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname,
       m.status, m.proxyport, m.suspecttimes, m.starttime, m.iamalivetime,
       v.version
  FROM orleansmembershipversiontable AS v
  LEFT JOIN orleansmembershiptable AS m
         ON m.deploymentid = v.deploymentid
        AND m.address      = @Address
        AND m.port         = @Port
        AND m.generation   = @Generation
 WHERE v.deploymentid = @DeploymentId
$q$),

('MembershipReadAllKey', $q$
SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname,
       m.status, m.proxyport, m.suspecttimes, m.starttime, m.iamalivetime,
       v.version
  FROM orleansmembershipversiontable AS v
  LEFT JOIN orleansmembershiptable AS m
         ON m.deploymentid = v.deploymentid
 WHERE v.deploymentid = @DeploymentId
$q$),

('GatewaysQueryKey', $q$
SELECT address, proxyport, generation
  FROM orleansmembershiptable
 WHERE deploymentid = @DeploymentId
   AND status       = @Status
   AND proxyport    > 0
$q$),

('DeleteMembershipTableEntriesKey', $q$
WITH silos AS (
    DELETE FROM orleansmembershiptable WHERE deploymentid = @DeploymentId
)
DELETE FROM orleansmembershipversiontable WHERE deploymentid = @DeploymentId
$q$),

-- Bulk cleanup (used by the provider only when CleanupDefunctSiloEntryKey is
-- absent): Dead rows that neither started nor heartbeated since the cut-off.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM orleansmembershiptable
 WHERE deploymentid = @DeploymentId
   AND status       = 6
   AND iamalivetime < @IAmAliveTime
   AND starttime    < @IAmAliveTime
$q$),

-- Per-row cleanup: the provider picked this Dead row from a read; delete it
-- only if it is still exactly as read. No version bump.
('CleanupDefunctSiloEntryKey', $q$
DELETE FROM orleansmembershiptable
 WHERE deploymentid = @DeploymentId
   AND address      = @Address
   AND port         = @Port
   AND generation   = @Generation
   AND status       = 6
   AND starttime    = @StartTime
   AND iamalivetime = @IAmAliveTime
   AND coalesce(suspecttimes, '') = coalesce(CAST(@SuspectTimes AS text), '')
$q$)

ON CONFLICT (querykey) DO UPDATE
    SET querytext = EXCLUDED.querytext
    WHERE q.querytext IS DISTINCT FROM EXCLUDED.querytext;
