/**
 * Client size report: each entry bundled by esbuild (minified, browser ESM, the `@liveline/source`
 * condition so workspace packages build from source), then gzipped. Everything but React and
 * react-dom is bundled, so the numbers are what an app ships.
 */
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { formatTable } from './lib/formatTable.js';

/** The budget for `@liveline/ws-client` core + react, min+gzip, in bytes (issue 7: 8 KB; issue 19: 8.5 KB). */
const BUDGET_BYTES = 8.5 * 1024;

/** The entry the budget applies to. */
const BUDGETED = '@liveline/ws-client + /react';

const entries = {
  '@liveline/ws-client': `export * from '@liveline/ws-client';`,
  '@liveline/ws-client/react': `export * from '@liveline/ws-client/react';`,
  [BUDGETED]: `export * from '@liveline/ws-client'; export * from '@liveline/ws-client/react';`,
  'reconnecting-websocket': `export { default } from 'reconnecting-websocket';`,
  'socket.io-client': `export * from 'socket.io-client';`,
} as const;

/** Minified and gzipped bytes of one entry. */
async function measure(source: string): Promise<{ min: number; gzip: number }> {
  const result = await build({
    stdin: { contents: source, resolveDir: import.meta.dirname, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@liveline/source'],
    external: ['react', 'react-dom', 'react/jsx-runtime'],
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  return { min: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength };
}

const rows: string[][] = [];
let budgeted: number | null = null;
for (const [name, source] of Object.entries(entries)) {
  try {
    const { min, gzip } = await measure(source);
    if (name === BUDGETED) budgeted = gzip;
    rows.push([name, (min / 1024).toFixed(1), (gzip / 1024).toFixed(2)]);
  } catch (error) {
    rows.push([
      name,
      'failed',
      error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error),
    ]);
  }
}
process.stdout.write(
  `${formatTable(['entry', 'min KB', 'min+gzip KB'], rows)}\n\nBudget: core + react ≤ ${BUDGET_BYTES / 1024} KB min+gzip: ${budgeted === null ? 'not measured (the build failed)' : `${budgeted} bytes, ${BUDGET_BYTES - budgeted} left`}.\n`,
);
