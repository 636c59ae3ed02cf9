import type { CreateWorkflowRequest, Workflow } from '@liveline/protocol';
import { ApiError, createWorkflow, getWorkflow } from './api';

/**
 * Failures after which the run may be stored: no answer came (`network`, or a proxy's bodiless
 * error, `http`), or the server failed after it may have stored it (`unavailable`, `internal`;
 * PROTOCOL.md WL1, S3).
 */
const MAYBE_STORED = new Set(['network', 'http', 'unavailable', 'internal']);

/**
 * Starts run `request.id`. When the answer leaves open whether the run was stored, starts it once
 * more under the same id, which cannot start a second run: a `409` there says the first start
 * stored it, and that run is the answer (W1). Rejects with the failure otherwise.
 */
export async function startRun(request: CreateWorkflowRequest & { id: string }): Promise<Workflow> {
  try {
    return await createWorkflow(request);
  } catch (error) {
    if (!(error instanceof ApiError && MAYBE_STORED.has(error.code))) throw error;
  }
  try {
    return await createWorkflow(request);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'conflict') return getWorkflow(request.id);
    throw error;
  }
}
