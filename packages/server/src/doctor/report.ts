import type { DoctorCheck, DoctorReport } from './doctor.js';

/** Mark of a working check. */
export const OK_MARK = '✔';
/** Mark of a failing check. */
export const FAIL_MARK = '✘';

const HEADER = ['', 'route', 'path', 'target', 'status', 'time', 'cause / detail'] as const;

const timeOf = (check: DoctorCheck): string => (check.ms === null ? '—' : `${check.ms} ms`);

const row = (check: DoctorCheck): string[] => [
  check.ok ? OK_MARK : FAIL_MARK,
  check.route,
  check.path,
  check.target,
  check.status,
  timeOf(check),
  check.cause ?? check.detail ?? '',
];

/**
 * The verdict line. It says "N of M checks failing" rather than "N passed, N failed", which the
 * CI summary counts as a test tally (TOOLCHAIN §8).
 */
export function formatVerdict(report: DoctorReport): string {
  const total = report.checks.length;
  const failing = report.checks.filter((c) => !c.ok);
  const where = report.via ? 'directly and through the proxy' : 'directly';
  const checks = `${total} check${total === 1 ? '' : 's'}`;
  if (failing.length === 0) return `${OK_MARK} Every route works ${where} (${checks}).`;
  const routes = [...new Set(failing.map((c) => c.route))].join(', ');
  return `${FAIL_MARK} ${failing.length} of ${checks} failing (${routes}); causes above.`;
}

/** The human report: a title, an aligned table with one line per route and target, a verdict. */
export function formatReport(report: DoctorReport): string {
  const rows = [[...HEADER], ...report.checks.map(row)];
  // The last column (cause) is free text and is not padded.
  const widths = HEADER.slice(0, -1).map((_, col) =>
    Math.max(...rows.map((cells) => [...(cells[col] ?? '')].length)),
  );
  const align = (cells: string[]): string =>
    cells
      .map((cell, col) => {
        const width = widths[col];
        if (width === undefined) return cell;
        // Times read best right-aligned; everything else left-aligned.
        return HEADER[col] === 'time' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const via = report.via ? ` via ${report.via}` : '';
  return [
    `Liveline doctor: ${report.server}${via} (deadline ${report.timeoutMs} ms per route)`,
    '',
    ...rows.map(align),
    '',
    formatVerdict(report),
    '',
  ].join('\n');
}

/** The `--json` document: the whole report, one JSON value, nothing else. */
export function formatJson(report: DoctorReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
