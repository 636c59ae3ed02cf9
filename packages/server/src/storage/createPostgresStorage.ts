import pg from 'pg';
import { StorageError, errorMessage } from '../errors.js';
import type { Logger } from '../log/createLogger.js';
import { postgresLeases, type Query } from './postgresLeases.js';
import { postgresTombstones } from './postgresTombstones.js';
import { createStorageHealth } from './createStorageHealth.js';
import { prunePostgres } from './prunePostgres.js';
import {
  POSTGRES_SCHEMA,
  POSTGRES_SCHEMA_CURRENT,
  POSTGRES_SCHEMA_VERSION,
} from './postgresSchema.js';
import type {
  AppendResult,
  DocumentKind,
  DocumentWrite,
  HistoryEntry,
  RoomHead,
  Storage,
  SwapResult,
  VersionedDocument,
} from './Storage.js';
import { UNBORN_ROOMS, readHeadSql } from './unbornRooms.js';
import { workflowCountsOf } from './workflowCounts.js';

/** Options of {@link createPostgresStorage}. */
export interface PostgresStorageOptions {
  /** `postgres://user@host:port/database` */
  readonly url: string;
  readonly log: Logger;
  /** Connections kept open at most. @default 10 */
  readonly poolSize?: number;
  /**
   * Time to get a connection, and time one statement may take, in ms: past it the operation
   * rejects (a write is answered `unavailable`) instead of hanging on a database that is gone.
   * @default 3000
   */
  readonly timeoutMs?: number;
}

/**
 * How long after a failed schema run the next one waits, in ms: operations meanwhile fail with its
 * error. Each run may wait for a table's lock (up to the schema's lock timeout) with the other
 * nodes' statements queued behind it, so it is not tried again by every operation during a pg_dump.
 */
const SCHEMA_RETRY_MS = 1_000;

const parseStored = (json: string | null | undefined): unknown =>
  json === null || json === undefined ? null : (JSON.parse(json) as unknown);

/**
 * The health probe (createStorageHealth): a write committed in its own transaction, so it fails
 * where writes do while reads work (a failover onto a read-only standby,
 * `default_transaction_read_only`). No other operation clears a failure: an append answered
 * `conflict` or `duplicate` writes nothing, so it works on a read-only database too.
 */
const PROBE_SQL = `INSERT INTO storage_probe (id, probed_at) VALUES (TRUE, now())
  ON CONFLICT (id) DO UPDATE SET probed_at = EXCLUDED.probed_at`;

/** BIGINT columns arrive as strings (they may exceed 2^53); seqs never do. */
const seqOf = (value: string | number | null | undefined): number => Number(value ?? 0);

interface AppendRow {
  r_kind: 'ok' | 'duplicate' | 'conflict' | 'fenced';
  r_seq: string | null;
  r_epoch: string | null;
  r_head: string | null;
}

/**
 * The {@link Storage} of cluster mode on PostgreSQL: the durable store and THE sequencer of every
 * node. Each room's epoch and head live only here; an append is one compare-and-append (the
 * `liveline_append` function, one round trip) that locks the room's row, answers a known op id
 * `duplicate` (rule B2) and a moved head `conflict`. The schema is created on first use, unless
 * the database has this release's already, and again a second after a failure, so a node may start
 * before its database and recovers by itself; while the database fails, every operation rejects
 * with a {@link StorageError} and `status` names it.
 */
export function createPostgresStorage(options: PostgresStorageOptions): Storage {
  const { log } = options;
  const timeoutMs = options.timeoutMs ?? 3000;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
    application_name: 'liveline',
  });
  const health = createStorageHealth({
    engine: 'postgres',
    log,
    probe: () => guard('probe', () => rows(PROBE_SQL, [])),
  });
  // An idle connection that dies (a terminated backend, a restart) must not crash the process.
  pool.on('error', (cause) => health.failed(new StorageError(`postgres: ${errorMessage(cause)}`)));

  /** Runs the schema's DDL only when the database lacks this release's schema. */
  const createSchema = async (): Promise<void> => {
    const { rows: current } = await pool.query<{ current: boolean }>(POSTGRES_SCHEMA_CURRENT, [
      POSTGRES_SCHEMA_VERSION,
    ]);
    if (current[0]?.current) return;
    const client = await pool.connect();
    try {
      await client.query(`BEGIN;${POSTGRES_SCHEMA}COMMIT;`);
      client.release();
    } catch (cause) {
      // A failed statement leaves the connection in the aborted transaction: it is not reused.
      client.release(true);
      throw cause;
    }
  };
  let schema: Promise<void> | null = null;
  const ensureSchema = (): Promise<void> => {
    schema ??= createSchema().catch((cause: unknown) => {
      setTimeout(() => (schema = null), SCHEMA_RETRY_MS).unref();
      throw cause;
    });
    return schema;
  };

  let closed = false;
  const guard = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    if (closed) throw new StorageError(`${what} failed: the storage is closed`);
    try {
      await ensureSchema();
      return await run();
    } catch (cause) {
      const error = new StorageError(`${what} failed: ${errorMessage(cause)}`, { cause });
      health.failed(error);
      throw error;
    }
  };

  const rows = async <R extends pg.QueryResultRow>(
    text: string,
    values: readonly unknown[],
  ): Promise<R[]> => (await pool.query<R>(text, [...values])).rows;
  const query: Query = (what, text, values) => guard(what, () => rows(text, values));

  const loadVersioned = async (kind: DocumentKind, id: string): Promise<VersionedDocument> => {
    const [row] = await rows<{ json: string; version: string }>(
      'SELECT json, version FROM documents WHERE kind = $1 AND id = $2',
      [kind, id],
    );
    return { version: seqOf(row?.version), value: parseStored(row?.json) };
  };

  return {
    status: () => health.status(),
    readHead: (room) =>
      guard('read head', async () => {
        const [head] = await rows<{ epoch: string; head_seq: string }>(readHeadSql('$1'), [room]);
        if (!head) throw new Error(`the ${UNBORN_ROOMS} row is missing`);
        return { epoch: head.epoch, headSeq: seqOf(head.head_seq) } satisfies RoomHead;
      }),
    append: (request) =>
      guard('append', async () => {
        // The last write of a (kind, id) wins, as in SQLite; one INSERT may not touch a row twice.
        const documents = new Map<string, { kind: DocumentKind; id: string; json: string }>();
        for (const doc of request.documents ?? [])
          documents.set(`${doc.kind}\u0000${doc.id}`, {
            kind: doc.kind,
            id: doc.id,
            json: JSON.stringify(doc.value),
          });
        // Named, so each connection parses and plans it once: every op runs it. Per append that
        // measured 114 → 97 µs of this node's CPU and 240 → 180 µs of PostgreSQL's.
        const {
          rows: [row],
        } = await pool.query<AppendRow>({
          name: 'liveline_append',
          text: 'SELECT * FROM liveline_append($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)',
          values: [
            request.room,
            request.epoch,
            request.seq,
            request.frame,
            request.at,
            JSON.stringify([...documents.values()]),
            request.opId ?? null,
            request.fence?.runId ?? null,
            request.fence?.token ?? null,
          ],
        });
        if (!row) throw new Error('liveline_append answered nothing');
        if (row.r_kind === 'ok') return { kind: 'ok' } satisfies AppendResult;
        if (row.r_kind === 'fenced') return { kind: 'fenced' } satisfies AppendResult;
        if (row.r_kind === 'duplicate') return { kind: 'duplicate', seq: seqOf(row.r_seq) };
        return {
          kind: 'conflict',
          head: { epoch: row.r_epoch ?? '', headSeq: seqOf(row.r_head) },
        } satisfies AppendResult;
      }),
    readEvents: (room, afterSeq, limit) =>
      guard('read events', async () =>
        (
          await rows<{ seq: string; frame: string; at: number }>(
            'SELECT seq, frame, at FROM room_events WHERE room = $1 AND seq > $2 ORDER BY seq LIMIT $3',
            [room, afterSeq, limit],
          )
        ).map((row): HistoryEntry => ({ seq: seqOf(row.seq), frame: row.frame, at: row.at })),
      ),
    loadDocument: (kind, id) =>
      guard('read document', async () => {
        const [row] = await rows<{ json: string }>(
          'SELECT json FROM documents WHERE kind = $1 AND id = $2',
          [kind, id],
        );
        return parseStored(row?.json);
      }),
    loadSequenced: (kind, id) =>
      guard('read document', async () => {
        const [row] = await rows<{ json: string; seq: string }>(
          'SELECT json, seq FROM documents WHERE kind = $1 AND id = $2',
          [kind, id],
        );
        return { seq: seqOf(row?.seq), value: parseStored(row?.json) };
      }),
    listWorkflows: (statuses) =>
      guard('list workflows', async () =>
        (
          await rows<{ json: string }>(
            `SELECT json FROM documents WHERE kind = 'workflow' AND run_status = ANY($1::text[])`,
            [statuses],
          )
        ).map((row) => parseStored(row.json)),
      ),
    readWorkflowPage: (before, limit) =>
      guard('read workflow page', async () =>
        (
          await rows<{ id: string; run_created_at: number; json: string }>(
            `SELECT id, run_created_at, json FROM documents
             WHERE kind = 'workflow' AND (run_created_at, id) < ($1, $2)
             ORDER BY run_created_at DESC, id DESC LIMIT $3`,
            [before?.created_at ?? Infinity, before?.id ?? '', limit], // +∞: from the newest
          )
        ).map((row) => ({
          position: { created_at: row.run_created_at, id: row.id },
          value: parseStored(row.json),
        })),
      ),
    countWorkflows: () =>
      guard('count workflows', async () =>
        workflowCountsOf(
          await rows<{ status: string | null; count: string }>(
            `SELECT run_status AS status, COUNT(*) AS count FROM documents
             WHERE kind = 'workflow' GROUP BY run_status`,
            [],
          ),
        ),
      ),
    countWorkflowsIn: (statuses) =>
      guard('count workflows', async () => {
        const [row] = await rows<{ count: string }>(
          `SELECT COUNT(*) AS count FROM documents
           WHERE kind = 'workflow' AND run_status = ANY($1::text[])`,
          [statuses],
        );
        return Number(row?.count ?? 0);
      }),
    countBoards: () =>
      guard('count boards', async () => {
        const [row] = await rows<{ count: string }>(
          `SELECT COUNT(*) AS count FROM documents WHERE kind = 'board'`,
          [],
        );
        return Number(row?.count ?? 0);
      }),
    putDocument: (document: DocumentWrite) =>
      guard('write document', async () => {
        await pool.query(
          `INSERT INTO documents (kind, id, json, seq) VALUES ($1, $2, $3, 0)
           ON CONFLICT (kind, id) DO UPDATE SET json = EXCLUDED.json, seq = 0`,
          [document.kind, document.id, JSON.stringify(document.value)],
        );
      }),
    loadVersioned: (kind, id) => guard('read document', () => loadVersioned(kind, id)),
    swapDocument: (document, expected) =>
      guard('swap document', async () => {
        const values = [document.kind, document.id, JSON.stringify(document.value)];
        // Both statements lock the row, so of two writers expecting the same version one wins.
        const { rowCount } =
          expected === 0
            ? await pool.query(
                `INSERT INTO documents (kind, id, json, version) VALUES ($1, $2, $3, 1)
                 ON CONFLICT (kind, id) DO UPDATE SET json = EXCLUDED.json, version = 1
                 WHERE documents.version = 0`,
                values,
              )
            : await pool.query(
                'UPDATE documents SET json = $3, version = version + 1 WHERE kind = $1 AND id = $2 AND version = $4',
                [...values, expected],
              );
        return rowCount === 1
          ? ({ kind: 'ok' } satisfies SwapResult)
          : { kind: 'conflict', current: await loadVersioned(document.kind, document.id) };
      }),
    appliedOp: (room, opId) =>
      guard('read op', async () => {
        const [row] = await rows<{ seq: string }>(
          'SELECT seq FROM applied_ops WHERE room = $1 AND op_id = $2',
          [room, opId],
        );
        return row ? seqOf(row.seq) : null;
      }),
    prune: (policy, now) =>
      guard('prune', async () => {
        const client = await pool.connect();
        try {
          return await prunePostgres(client, policy, now);
        } finally {
          client.release();
        }
      }),
    ...postgresLeases(query),
    ...postgresTombstones(query),
    async close() {
      if (closed) return;
      closed = true;
      health.close();
      await pool
        .end()
        .catch((cause: unknown) =>
          log.error('storage.close_failed', { engine: 'postgres', error: errorMessage(cause) }),
        );
    },
  };
}
