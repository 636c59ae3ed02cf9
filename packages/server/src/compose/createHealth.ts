import { PROTOCOL_VERSION, type Health } from '@liveline/protocol';
import type { ResolvedServerOptions } from '../config/serverOptions.js';
import { packageVersion } from '../packageVersion.js';
import type { Lifecycle } from './lifecycle.js';
import type { ResolvedParts } from './resolveParts.js';

/** What the `/health` body reads, each time it is asked for. */
export interface HealthSources {
  readonly config: ResolvedServerOptions;
  readonly parts: Pick<ResolvedParts, 'storage' | 'brokerStatus' | 'mode'>;
  readonly lifecycle: Lifecycle;
  /** When the server was made, on `config.now`'s clock. */
  readonly startedAt: number;
  readonly authOn: boolean;
  /** Each WebSocket route's counters. */
  readonly routes: () => Health['routes'];
}

/**
 * The `/health` body (rule S1): `degraded` while storage or the broker fails, `draining` from the
 * moment `stop()` begins.
 */
export function createHealth(sources: HealthSources): () => Health {
  const { config, parts, lifecycle, startedAt } = sources;
  const version = packageVersion();
  return () => {
    const db = parts.storage.status();
    const carrier = parts.brokerStatus?.() ?? null;
    const draining = lifecycle.state === 'draining' || lifecycle.state === 'stopped';
    const working = db.ok && (carrier?.ok ?? true);
    return {
      status: draining ? 'draining' : working ? 'healthy' : 'degraded',
      version,
      timestamp: new Date().toISOString(),
      database: db.ok ? 'connected' : 'error',
      database_error: db.ok ? null : db.error,
      uptime_seconds: Math.max(0, (config.now() - startedAt) / 1000),
      protocol_version: PROTOCOL_VERSION,
      routes: sources.routes(),
      auth: sources.authOn ? 'on' : 'off',
      node: config.nodeId,
      mode: parts.mode,
      broker: carrier === null ? 'memory' : carrier.ok ? 'connected' : 'error',
      broker_error: carrier === null || carrier.ok ? null : carrier.error,
    };
  };
}
