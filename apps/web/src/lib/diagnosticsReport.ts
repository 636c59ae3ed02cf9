import { closePolicy } from '@liveline/protocol';
import type { RouteConnection } from './routeConnection';

const ms = (n: number | null) => (n === null ? 'n/a' : `${Math.round(n)} ms`);

/** A plain-text report of every live route, for pasting into a bug report. */
export function diagnosticsReport(
  connections: readonly RouteConnection[],
  at: Date,
  userAgent: string,
): string {
  const lines = [
    `Liveline diagnostics — ${at.toISOString()}`,
    `page: ${window.location.href}`,
    `agent: ${userAgent}`,
    '',
  ];
  if (connections.length === 0) lines.push('no live routes');
  for (const c of connections) {
    const close = c.lastClose
      ? `${c.lastClose.code} ${c.lastClose.reason || closePolicy(c.lastClose.code).meaning} (${closePolicy(c.lastClose.code).action})`
      : 'none';
    lines.push(
      `${c.key}: ${c.phase}, attempt ${c.attempt}, last close ${close}, queued ${c.queued}, rtt ${ms(c.rttMs)}, clock offset ${ms(c.clockOffsetMs)}, last error ${c.lastError ?? 'none'}`,
    );
  }
  return lines.join('\n');
}
