// Counts results from vitest's machine-readable output. A file that fails to load, a suite that
// exits non-zero without a failed test, or a missing report counts as a failure, never as zero tests.
import { existsSync, readFileSync } from 'node:fs';

const countSuite = ({ name, file, code }) => {
  if (!existsSync(file)) {
    console.log(`${name}: no report (exit code ${code})`);
    return { passed: 0, failed: 1, skipped: 0 };
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  let failed = report.numFailedTests;
  const broken = report.testResults.filter(
    (f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'),
  );
  for (const f of broken)
    console.log(`${name}: ${f.name} failed to run: ${(f.message ?? '').split('\n')[0]}`);
  failed += broken.length;
  if (code !== 0 && failed === 0) {
    console.log(`${name}: vitest exited with ${code} without a failed test`);
    failed = 1;
  }
  return {
    passed: report.numPassedTests,
    failed,
    skipped: report.numPendingTests + report.numTodoTests,
  };
};

/** Prints per-step results and, as the last line, `N passed, N failed`; returns the exit code. */
export function summarize(steps, suites) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const { name, ok } of steps) {
    // A check that ran is not a test that passed, but a check that failed is a failure.
    console.log(`${name}: ${ok ? 'ok' : 'FAILED'}`);
    if (!ok) failed++;
  }
  for (const suite of suites) {
    const counts = countSuite(suite);
    console.log(`${suite.name}: ${counts.passed} ok, ${counts.failed} not ok`);
    passed += counts.passed;
    failed += counts.failed;
    skipped += counts.skipped;
  }
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return failed === 0 ? 0 : 1;
}
