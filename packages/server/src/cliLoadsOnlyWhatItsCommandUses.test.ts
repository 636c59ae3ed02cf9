import { describe, expect, it } from 'vitest';
import { startTestServer } from './test-utils/index.js';
import { recordModules } from './test-utils/recordModules.js';
import { runCli } from './test-utils/runCli.js';

/** A module of `jose`, or of this server's code that signs tokens with it: only `liveline token` uses them. */
const TOKEN_SIGNING = /\/node_modules\/jose\/|\/src\/auth\/mintToken\./;
const SECRET = 'the-cli-modules-test-secret-is-32-bytes';
/** Every grant the doctor's checks need. */
const ALL = 'board:*:write transport:*:control workflow:*:read monitor:*:read';

/** Runs `liveline args` with `env`, recording the URL of every module it resolves. */
async function runRecorded(args: readonly string[], env: Record<string, string> = {}) {
  const record = recordModules('cli');
  const run = await runCli(args, { ...env, ...record.env }, { entry: record.entry });
  return { ...run, modules: record.urls() };
}

describe('a liveline command loads only what it uses (real CLI, module resolve hook)', () => {
  it('ML2 `liveline token` resolves jose and mints a token with which `liveline doctor`, resolving no jose, passes a secured server', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const minted = await runRecorded(['token', '--sub', 'ops', '--scope', ALL], {
      LIVELINE_AUTH_SECRET: SECRET,
    });
    expect(minted.code, minted.stderr).toBe(0);
    expect(minted.modules.filter((url) => TOKEN_SIGNING.test(url))).not.toEqual([]);

    const doctor = await runRecorded(['doctor', server.origin, '--token', minted.stdout.trim()]);
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
    expect(doctor.modules.filter((url) => url.includes('/src/doctor/doctor.'))).not.toEqual([]);
    expect(doctor.modules.filter((url) => TOKEN_SIGNING.test(url))).toEqual([]);
  });
});
