import { useState } from 'react';
import { closePolicy } from '@liveline/protocol';
import { diagnosticsReport } from '../lib/diagnosticsReport';
import type { RouteConnection } from '../lib/routeConnection';
import { ConnectionIndicator } from './ConnectionIndicator';

/** Props of {@link DiagnosticsPanel}. */
export interface DiagnosticsPanelProps {
  readonly connections: readonly RouteConnection[];
  readonly onClose?: () => void;
}

const ms = (n: number | null) => (n === null ? '—' : `${Math.round(n)} ms`);

/** Per live route: state, attempts, last close, queued messages, RTT, clock offset and last error, and "Copy report". */
export function DiagnosticsPanel({ connections, onClose }: DiagnosticsPanelProps) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const [fallback, setFallback] = useState<string | null>(null);

  const copy = async () => {
    const report = diagnosticsReport(connections, new Date(), navigator.userAgent);
    try {
      await navigator.clipboard.writeText(report);
      setCopied('copied');
      setFallback(null);
    } catch {
      // Clipboard access needs a secure context or permission; show the text to copy by hand.
      setCopied('failed');
      setFallback(report);
    }
  };

  return (
    <section className="panel diagnostics" aria-label="Diagnostics">
      <header className="panel__header">
        <h2>Diagnostics</h2>
        <div className="panel__actions">
          <button type="button" className="button" onClick={() => void copy()}>
            Copy report
          </button>
          {onClose && (
            <button
              type="button"
              className="button button--ghost"
              onClick={onClose}
              aria-label="Close diagnostics"
            >
              ✕
            </button>
          )}
        </div>
      </header>
      <p role="status" className="muted diagnostics__copied">
        {copied === 'copied'
          ? 'Report copied to the clipboard.'
          : copied === 'failed'
            ? 'Copy the report below.'
            : ''}
      </p>
      {connections.length === 0 ? (
        <p className="muted">No live routes on this page.</p>
      ) : (
        <div className="table-scroll">
          <table className="table diagnostics__table">
            <thead>
              <tr>
                <th>Route</th>
                <th>State</th>
                <th className="num">Attempts</th>
                <th>Last close</th>
                <th className="num">Queued</th>
                <th className="num">RTT</th>
                <th className="num">Clock offset</th>
                <th>Last error</th>
              </tr>
            </thead>
            <tbody>
              {connections.map((c) => (
                <tr key={c.key} aria-label={`Route ${c.key}`}>
                  <td className="mono">{c.key}</td>
                  <td>
                    <ConnectionIndicator connection={c} />
                  </td>
                  <td className="num">{c.attempt}</td>
                  <td>
                    {c.lastClose ? (
                      <>
                        <span className="mono">{c.lastClose.code}</span>{' '}
                        {c.lastClose.reason || closePolicy(c.lastClose.code).meaning}
                      </>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td className="num">{c.queued}</td>
                  <td className="num">{ms(c.rttMs)}</td>
                  <td className="num">{ms(c.clockOffsetMs)}</td>
                  <td>{c.lastError ?? <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {fallback && (
        <textarea
          className="diagnostics__fallback"
          readOnly
          value={fallback}
          aria-label="Report"
          rows={6}
        />
      )}
    </section>
  );
}
