import { createHash } from 'node:crypto';
import { TERMINAL_WORKFLOW_STATUSES } from '@liveline/protocol';
import { BOARD_SEQ_UPGRADE_SQL } from './boardRooms.js';
import { UNBORN_ROOMS } from './unbornRooms.js';

/**
 * The PostgreSQL storage's tables (plus the run leases, rules WL1–WL4, and the deleted runs'
 * tombstones, G5) (the SQLite storage's, so
 * the documented restore SQL fits both) and its compare-and-append, a function so that an append
 * is one round trip and one transaction. `storage_probe` holds the one row that the health probe
 * rewrites (createPostgresStorage.ts). A run's status is also a stored generated column
 * (`run_status`) with an index, so that counting runs by status (the metrics, every tick) reads
 * the index, not every run's JSON: PostgreSQL answers no count from an expression index alone.
 * Its creation time is one too (`run_created_at`, a number or null), indexed so that a page of
 * runs newest first is read from the index's start, and a finished run's last change
 * (`run_finished_at`, null while it runs), indexed so that retention's age and count (G3) walk
 * the finished runs in order instead of reading every run's JSON.
 * A database made before the unborn epoch (SEQ5) gets it and loses the rows that joins and reads
 * of ids never written left at seq 0, as in SQLite (createSqliteSchema.ts). One made before a board
 * was its document plus the events after it (B6) gets the documents' `seq`, a board's being its
 * room's head (the previous release stored it with every event).
 * Nodes starting together create it under an advisory lock: concurrent `CREATE ... IF NOT EXISTS`
 * and `CREATE OR REPLACE FUNCTION` can otherwise fail on each other. Its version is written into the
 * append function, so that a node whose database has it runs none of it ({@link
 * POSTGRES_SCHEMA_CURRENT}). Run, each statement waits at most 100 ms for a table's lock: `ALTER
 * TABLE` takes ACCESS EXCLUSIVE even when the column exists, so it waits for a pg_dump (which holds
 * ACCESS SHARE on every table), and every other node's statement on the table would queue behind it.
 */
const schemaSql = (version: string): string => `
SELECT pg_advisory_xact_lock(7301184);
SET LOCAL lock_timeout = '100ms';
CREATE TABLE IF NOT EXISTS documents (kind TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (kind, id));
ALTER TABLE documents ADD COLUMN IF NOT EXISTS version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS run_status TEXT GENERATED ALWAYS AS (CASE WHEN kind = 'workflow' THEN (json::jsonb)->>'status' END) STORED;
CREATE INDEX IF NOT EXISTS documents_run_status ON documents (kind, run_status) WHERE kind = 'workflow';
ALTER TABLE documents ADD COLUMN IF NOT EXISTS run_created_at DOUBLE PRECISION GENERATED ALWAYS AS (CASE WHEN kind = 'workflow' AND jsonb_typeof((json::jsonb)->'created_at') = 'number' THEN ((json::jsonb)->>'created_at')::double precision END) STORED;
CREATE INDEX IF NOT EXISTS documents_run_created ON documents (run_created_at DESC, id DESC) WHERE kind = 'workflow';
ALTER TABLE documents ADD COLUMN IF NOT EXISTS run_finished_at DOUBLE PRECISION GENERATED ALWAYS AS (CASE WHEN kind = 'workflow' AND (json::jsonb)->>'status' IN (${TERMINAL_WORKFLOW_STATUSES.map((s) => `'${s}'`).join(', ')}) AND jsonb_typeof((json::jsonb)->'updated_at') = 'number' THEN ((json::jsonb)->>'updated_at')::double precision END) STORED;
CREATE INDEX IF NOT EXISTS documents_run_finished ON documents (run_finished_at) WHERE run_finished_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS rooms (room TEXT PRIMARY KEY, epoch TEXT NOT NULL, head_seq BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS room_events (room TEXT NOT NULL, seq BIGINT NOT NULL, frame TEXT NOT NULL, at DOUBLE PRECISION NOT NULL, PRIMARY KEY (room, seq));
CREATE TABLE IF NOT EXISTS applied_ops (room TEXT NOT NULL, op_id TEXT NOT NULL, seq BIGINT NOT NULL, at DOUBLE PRECISION, PRIMARY KEY (room, op_id));
ALTER TABLE applied_ops ADD COLUMN IF NOT EXISTS at DOUBLE PRECISION;
CREATE INDEX IF NOT EXISTS applied_ops_at ON applied_ops (at);
CREATE TABLE IF NOT EXISTS workflow_leases (run_id TEXT PRIMARY KEY, owner TEXT NOT NULL, token BIGINT NOT NULL, expires_at DOUBLE PRECISION NOT NULL);
ALTER TABLE workflow_leases ADD COLUMN IF NOT EXISTS handovers BIGINT NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS workflow_leases_expiry ON workflow_leases (expires_at);
CREATE TABLE IF NOT EXISTS workflow_tombstones (id TEXT PRIMARY KEY, deleted_at DOUBLE PRECISION NOT NULL, told BOOLEAN NOT NULL DEFAULT FALSE);
CREATE INDEX IF NOT EXISTS workflow_tombstones_age ON workflow_tombstones (deleted_at);
CREATE INDEX IF NOT EXISTS workflow_tombstones_untold ON workflow_tombstones (deleted_at) WHERE NOT told;
CREATE TABLE IF NOT EXISTS storage_probe (id BOOLEAN PRIMARY KEY CHECK (id), probed_at TIMESTAMPTZ NOT NULL);
DO $unborn$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM rooms WHERE room = '${UNBORN_ROOMS}') THEN
    DELETE FROM rooms WHERE head_seq = 0;
    INSERT INTO rooms (room, epoch, head_seq) VALUES ('${UNBORN_ROOMS}', 'u' || substr(md5(random()::text || clock_timestamp()::text), 1, 16), 0);
  END IF;
END $unborn$;
DO $seq$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = 'documents' AND column_name = 'seq') THEN
    ALTER TABLE documents ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
    ${BOARD_SEQ_UPGRADE_SQL};
  END IF;
END $seq$;
DROP FUNCTION IF EXISTS liveline_append(TEXT, TEXT, BIGINT, TEXT, DOUBLE PRECISION, JSONB, TEXT, TEXT);
DROP FUNCTION IF EXISTS liveline_append(TEXT, TEXT, BIGINT, TEXT, DOUBLE PRECISION, JSONB, TEXT, TEXT, TEXT, BIGINT);
CREATE OR REPLACE FUNCTION liveline_append(
  p_room TEXT, p_epoch TEXT, p_seq BIGINT, p_frame TEXT, p_at DOUBLE PRECISION,
  p_documents JSONB, p_op_id TEXT, p_fence_run TEXT, p_fence_token BIGINT
) RETURNS TABLE (r_kind TEXT, r_seq BIGINT, r_epoch TEXT, r_head BIGINT) LANGUAGE plpgsql AS $fn$
-- liveline schema ${version}
DECLARE
  head rooms%ROWTYPE;
  applied BIGINT;
  lease_token BIGINT;
BEGIN
  IF p_fence_run IS NOT NULL THEN
    -- FOR SHARE: a node taking the run over (an UPDATE of this row) waits for this append to
    -- commit, and then reads the run with it; an append after the takeover sees the new token.
    SELECT token INTO lease_token FROM workflow_leases WHERE run_id = p_fence_run FOR SHARE;
    IF lease_token IS DISTINCT FROM p_fence_token THEN
      RETURN QUERY SELECT 'fenced'::TEXT, NULL::BIGINT, NULL::TEXT, NULL::BIGINT;
      RETURN;
    END IF;
  END IF;
  SELECT * INTO head FROM rooms WHERE rooms.room = p_room FOR UPDATE;
  IF NOT FOUND THEN
    -- A room nothing was appended to is at seq 0 of the unborn epoch (SEQ5). Its first event
    -- stores its row; a writer that raced another to it then finds that one's head.
    SELECT p_room, u.epoch, 0 INTO head FROM rooms u WHERE u.room = '${UNBORN_ROOMS}';
    IF head.epoch = p_epoch AND p_seq = 1 THEN
      INSERT INTO rooms (room, epoch, head_seq) VALUES (p_room, p_epoch, 0) ON CONFLICT (room) DO NOTHING;
      SELECT * INTO head FROM rooms WHERE rooms.room = p_room FOR UPDATE;
    END IF;
  END IF;
  IF p_op_id IS NOT NULL THEN
    SELECT applied_ops.seq INTO applied FROM applied_ops WHERE applied_ops.room = p_room AND applied_ops.op_id = p_op_id;
    IF FOUND THEN
      RETURN QUERY SELECT 'duplicate'::TEXT, applied, NULL::TEXT, NULL::BIGINT;
      RETURN;
    END IF;
  END IF;
  IF head.epoch IS DISTINCT FROM p_epoch OR head.head_seq + 1 IS DISTINCT FROM p_seq THEN
    RETURN QUERY SELECT 'conflict'::TEXT, NULL::BIGINT, head.epoch, head.head_seq;
    RETURN;
  END IF;
  UPDATE rooms SET head_seq = p_seq WHERE rooms.room = p_room;
  INSERT INTO room_events (room, seq, frame, at) VALUES (p_room, p_seq, p_frame, p_at);
  INSERT INTO documents (kind, id, json, seq)
    SELECT d->>'kind', d->>'id', d->>'json', p_seq FROM jsonb_array_elements(p_documents) AS d
    ON CONFLICT (kind, id) DO UPDATE SET json = EXCLUDED.json, seq = EXCLUDED.seq;
  IF p_op_id IS NOT NULL THEN
    INSERT INTO applied_ops (room, op_id, seq, at) VALUES (p_room, p_op_id, p_seq, p_at);
  END IF;
  RETURN QUERY SELECT 'ok'::TEXT, p_seq, NULL::TEXT, NULL::BIGINT;
END
$fn$;
`;

/** Names this release's schema: the hash of its SQL, so that any change of it is a new version. */
export const POSTGRES_SCHEMA_VERSION = createHash('sha256')
  .update(schemaSql(''))
  .digest('hex')
  .slice(0, 16);

/** The schema's SQL, to run in one transaction. */
export const POSTGRES_SCHEMA = schemaSql(POSTGRES_SCHEMA_VERSION);

/**
 * `$1`: {@link POSTGRES_SCHEMA_VERSION}. Whether the database has that schema: a read of the
 * catalog, which locks no table. A release that replaced the append function (another version)
 * makes it false.
 */
export const POSTGRES_SCHEMA_CURRENT = `SELECT EXISTS (SELECT 1 FROM pg_proc
  WHERE proname = 'liveline_append' AND pronamespace = current_schema()::regnamespace
    AND position($1 IN prosrc) > 0) AS current`;
