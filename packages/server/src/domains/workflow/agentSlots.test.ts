import { describe, expect, it } from 'vitest';
import { rawRequest, startTestServer } from '../../test-utils/index.js';
import { waitForAgent, waitForStatus } from '../../test-utils/workflows.js';
import { createBuiltinStage } from './builtinStages.js';
import type { Stage } from './Stage.js';

const IDEA = 'A kite escapes. It crosses the town. A child catches it at sunset.';
const start = (server: { origin: string }, id: string) =>
  rawRequest(server, '/api/workflows', { body: { id, mode: 'idea', input: IDEA } });

/**
 * A script stage whose first run ignores the abort's rule and resolves with its artifact once its
 * signal aborts, as a custom stage may; later runs are the built-in one.
 */
function abortIgnoringStage(): Stage {
  const builtin = createBuiltinStage('script', 4);
  let first = true;
  return {
    run(input, previous, signal, report) {
      if (!first) return builtin.run(input, previous, signal, report);
      first = false;
      const done = () => builtin.run(input, previous, new AbortController().signal, () => {});
      return new Promise((resolve) => signal.addEventListener('abort', () => resolve(done())));
    },
  };
}

describe('agent slots', () => {
  it('AG1 an agent gives its slot back however its stage ends: one that resolves after its run was cancelled leaves the agent idle with active 0, and the next run on it runs', async () => {
    const server = await startTestServer({ stages: { script: abortIgnoringStage() } });
    await start(server, 'a1');
    await waitForAgent(server, 'screenwriter', { status: 'working', active: 1 });

    expect((await rawRequest(server, '/api/workflows/a1/cancel', { method: 'POST' })).status).toBe(
      200,
    );
    await waitForAgent(server, 'screenwriter', { status: 'idle', active: 0 });
    await start(server, 'a2');
    await waitForStatus(server, 'a2', 'completed');
  });

  it("AG1 an agent's completed counts only the stages whose stage.completed was stored: not one whose run was cancelled, although the stage resolved with its artifact", async () => {
    const server = await startTestServer({ stages: { script: abortIgnoringStage() } });
    await start(server, 'a1');
    await waitForAgent(server, 'screenwriter', { status: 'working' });
    await rawRequest(server, '/api/workflows/a1/cancel', { method: 'POST' });
    await waitForAgent(server, 'screenwriter', { active: 0, completed: 0 });

    await start(server, 'a2');
    await waitForStatus(server, 'a2', 'completed');
    await waitForAgent(server, 'screenwriter', { completed: 1 });
  });
});
