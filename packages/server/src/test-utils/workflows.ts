import { parse, workflowSchema, type Workflow } from '@liveline/protocol';
import { expect } from 'vitest';
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
