import { readFileSync } from 'node:fs';
import {
  agentListResponseSchema,
  parse,
  workflowSchema,
  type AgentName,
  type Workflow,
} from '@liveline/protocol';
import { expect } from 'vitest';
import { createBuiltinStage, type BuiltinStageName } from '../domains/workflow/builtinStages.js';
import type { Stage } from '../domains/workflow/Stage.js';
import type { Storage } from '../storage/Storage.js';
import { connectWsClient } from '../reliability/connectWsClient.js';
import { createFailingStorage, type FailingStorage } from './failingStorage.js';
import { connectTestClient, dataOf, rawRequest, startTestServer, wsOrigin } from './index.js';

/** A workflow as `GET /api/workflows/{id}` returns it, validated. */
export async function getWorkflow(server: { origin: string }, id: string): Promise<Workflow> {
  const res = await rawRequest(server, `/api/workflows/${id}`);
  const parsed = parse(workflowSchema, res.json?.workflow);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

/** A workflow as the snapshot of its socket `/ws/workflow/{id}` carries it, validated. */
export async function workflowSnapshot(server: { origin: string }, id: string): Promise<Workflow> {
  const socket = await connectTestClient(wsOrigin(server, `/ws/workflow/${id}`));
  const parsed = parse(workflowSchema, dataOf(await socket.next('snapshot')).workflow);
  socket.ws.close();
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

/** Polls until the workflow has `status`. */
export const waitForStatus = (
  server: { origin: string },
  id: string,
  status: Workflow['status'],
  timeoutMs = 10_000,
): Promise<void> =>
  expect
    .poll(async () => (await getWorkflow(server, id)).status, { timeout: timeoutMs, interval: 10 })
    .toBe(status);

/** Polls `GET /api/agents` until agent `name` has the fields of `expected`. */
export const waitForAgent = (server: { origin: string }, name: AgentName, expected: object) =>
  expect
    .poll(async () => {
      const parsed = parse(agentListResponseSchema, (await rawRequest(server, '/api/agents')).json);
      return parsed.ok ? parsed.value.agents.find((a) => a.name === name) : parsed.error;
    })
    .toMatchObject(expected);

/** One message of a workflow channel, as {@link recordWorkflow} keeps it. */
export interface LoggedMessage {
  readonly type: string;
  readonly seq?: number;
  readonly stage?: string;
  readonly progress?: number;
}

/** Whether a logged message is an event of the run (not the stream's `snapshot` or `resumed`). */
export const isRunEvent = (m: LoggedMessage): boolean =>
  m.type !== 'snapshot' && m.type !== 'resumed';

/** Every message a ws-client channel of `/ws/workflow/{id}` delivers, in order. */
export function recordWorkflow(origin: string, id: string): LoggedMessage[] {
  const channel = connectWsClient(origin).client.channel('workflow', { params: { id } });
  const log: LoggedMessage[] = [];
  channel.onMessage((message) => {
    if (!('type' in message)) return;
    const data = 'data' in message ? (message.data as { stage?: unknown; progress?: unknown }) : {};
    log.push({
      type: message.type,
      ...('seq' in message && typeof message.seq === 'number' && { seq: message.seq }),
      ...(typeof data.stage === 'string' && { stage: data.stage }),
      ...(typeof data.progress === 'number' && { progress: data.progress }),
    });
  });
  return log;
}

/** How many times each stage was called for workflow `id`, from the file the server appends to. */
export const stageCalls = (file: string, id: string): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [workflow, stage = ''] = line.split(' ');
    if (workflow === id) counts[stage] = (counts[stage] ?? 0) + 1;
  }
  return counts;
};

/**
 * Checks the log of a run that was resumed in its `shots` stage (rule W4) and returns its events:
 * numbered from 1 without gap or duplicate, `workflow.resumed {stage: shots}` followed by that
 * stage's new start, and every stage called once but `shots` twice (`calls` is the stage-calls file).
 */
export function expectResumedInShots(
  log: readonly LoggedMessage[],
  calls: string,
  id: string,
): LoggedMessage[] {
  const events = log.filter(isRunEvent);
  expect(events.map((m) => m.seq)).toEqual(events.map((_, i) => i + 1));
  const resumedAt = events.findIndex((m) => m.type === 'workflow.resumed');
  expect(events[resumedAt]).toMatchObject({ stage: 'shots' });
  expect(events[resumedAt - 1]).toMatchObject({ type: 'stage.progress', stage: 'shots' });
  expect(events[resumedAt + 1]).toMatchObject({ type: 'stage.started', stage: 'shots' });
  expect(stageCalls(calls, id)).toEqual({ script: 1, storyboard: 1, shots: 2, audio: 1, edit: 1 });
  return events;
}

/** A built-in stage that starts its work only once `release` is called, so a test sees it running. */
export function heldStage(name: BuiltinStageName): { stage: Stage; release: () => void } {
  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const builtin = createBuiltinStage(name, 4);
  const stage: Stage = {
    run: async (...args) => {
      await released;
      return builtin.run(...args);
    },
  };
  return { stage, release };
}

/**
 * A failing storage holding the queued or running runs `ids`, which a server started and handed
 * over when it stopped: what the next start restores.
 */
export async function storageWithRuns(ids: readonly string[]): Promise<FailingStorage> {
  const storage = createFailingStorage();
  const never: Stage = { run: () => new Promise(() => undefined) };
  const server = await startTestServer({ storage, stages: { script: never } });
  const input = 'A kite escapes. It crosses the town. A child catches it at sunset.';
  for (const id of ids)
    await rawRequest(server, '/api/workflows', { body: { id, mode: 'idea', input } });
  await server.stop();
  return storage;
}

/** A stage that hands the test its progress reporter once it runs, and ends when its signal aborts. */
export function reportingStage(): {
  stage: Stage;
  running: Promise<(progress: number) => void>;
  aborted: Promise<void>;
} {
  let run = (_report: (progress: number) => void): void => undefined;
  let abort = (): void => undefined;
  const running = new Promise<(progress: number) => void>((resolve) => (run = resolve));
  const aborted = new Promise<void>((resolve) => (abort = resolve));
  const stage: Stage = {
    run: (_input, _previous, signal, report) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          reject(new Error('stage aborted'));
          abort();
        });
        run(report);
      }),
  };
  return { stage, running, aborted };
}

/** The types of the events stored in a run's room, in order. */
export const storedTypes = async (storage: Storage, id: string) =>
  (await storage.readEvents(`workflow:${id}`, 0, 100)).map(
    (entry) => (JSON.parse(entry.frame) as { type: string }).type,
  );
