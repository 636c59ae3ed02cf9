import type pg from 'pg';
import type { RunLease, Storage } from './Storage.js';

/** Runs one statement as a storage operation named `what` and answers its rows. */
export type Query = <R extends pg.QueryResultRow>(
  what: string,
  text: string,
  values: readonly unknown[],
) => Promise<R[]>;

interface LeaseRow {
  owner: string;
  token: string;
  expires_at: number;
  handovers: string;
}
/** What acquisitions and renewals answer. */
const LEASE_COLUMNS = 'owner, token, expires_at, handovers';

const leaseOf = (runId: string, row: LeaseRow | undefined): RunLease | null =>
  row
    ? {
        runId,
        owner: row.owner,
        token: Number(row.token),
        expiresAt: row.expires_at,
        handovers: Number(row.handovers),
      }
    : null;

/**
 * Run leases in PostgreSQL (PROTOCOL.md WL1–WL4): each acquisition and renewal is one statement,
 * so two nodes taking a lapsed run at once serialize on its row and exactly one gets it. Expiry is
 * compared with the callers' clocks, which must agree well within a lease's time.
 */
export function postgresLeases(
  query: Query,
): Pick<
  Storage,
  'acquireLease' | 'renewLease' | 'releaseLease' | 'handOverLease' | 'lapsedLeases'
> {
  return {
    acquireLease: async (runId, owner, ttlMs, now) =>
      leaseOf(
        runId,
        (
          await query<LeaseRow>(
            'acquire lease',
            `INSERT INTO workflow_leases AS l (run_id, owner, token, expires_at) VALUES ($1, $2, 1, $3)
             ON CONFLICT (run_id) DO UPDATE SET owner = EXCLUDED.owner, token = l.token + 1, expires_at = EXCLUDED.expires_at
             WHERE l.expires_at <= $4 OR l.owner = EXCLUDED.owner
             RETURNING ${LEASE_COLUMNS}`,
            [runId, owner, now + ttlMs, now],
          )
        )[0],
      ),
    renewLease: async (lease, ttlMs, now) =>
      leaseOf(
        lease.runId,
        (
          await query<LeaseRow>(
            'renew lease',
            `UPDATE workflow_leases SET expires_at = $1 WHERE run_id = $2 AND token = $3 AND handovers = $4 RETURNING ${LEASE_COLUMNS}`,
            [now + ttlMs, lease.runId, lease.token, lease.handovers],
          )
        )[0],
      ),
    async releaseLease(runId, token) {
      await query('release lease', 'DELETE FROM workflow_leases WHERE run_id = $1 AND token = $2', [
        runId,
        token,
      ]);
    },
    async handOverLease(runId, token) {
      await query(
        'hand over lease',
        'UPDATE workflow_leases SET expires_at = 0, handovers = handovers + 1 WHERE run_id = $1 AND token = $2',
        [runId, token],
      );
    },
    lapsedLeases: async (now, limit) =>
      (
        await query<{ run_id: string }>(
          'read leases',
          'SELECT run_id FROM workflow_leases WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2',
          [now, limit],
        )
      ).map((row) => row.run_id),
  };
}
