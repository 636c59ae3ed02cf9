import { readFileSync } from 'node:fs';
import { parse, workflowSchema, type Workflow } from '@liveline/protocol';
import { expect } from 'vitest';
import { connectWsClient } from '../reliability/connectWsClient.js';
import { rawRequest } from './index.js';

/** A workflow as `GET /api/workflows/{id}` returns it, validated. */
export async function getWorkflow(server: { origin: string }, id: string): Promise<Workflow> {
  const res = await rawRequest(server, `/api/workflows/${id}`);
  const parsed = parse(workflowSchema, res.json?.workflow);
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

/** Every message a ws-client channel of `/ws/workflow/{id}` delivers, in order. */
export function recordWorkflow(origin: string, id: string) {
  const channel = connectWsClient(origin).client.channel('workflow', { params: { id } });
  const log: { type: string; seq?: number; stage?: string; progress?: number }[] = [];
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
