import { create } from 'zustand';
import type { Workflow, WorkflowStatus } from '@liveline/protocol';
import { listWorkflows } from '../lib/api';

/** A run's status as a run view reports it: `deleted` once retention removed it (PROTOCOL.md G3). */
export type ShownStatus = WorkflowStatus | 'deleted';

/** Recent runs from `GET /api/workflows`. */
export interface RecentRunsState {
  readonly runs: readonly Workflow[];
  readonly error: string | null;
  /** Fetches the list again; only the newest call's answer is applied. */
  readonly refresh: () => Promise<void>;
  /** Shows a status a run view already has, without a fetch: the list agrees with it at once. */
  readonly showStatus: (id: string, status: ShownStatus) => void;
  /** Shows a run this tab just started, without a fetch, until a fetch made after it lists it. */
  readonly showStarted: (run: Workflow) => void;
}

/** Numbers the fetches, so an answer that arrives after a newer call's is dropped. */
let requests = 0;
/**
 * Runs shown by `showStarted`, each with the number of the newest fetch made before it started: an
 * answer to that fetch or an older one may not list it yet, so it stays shown until a newer one's.
 */
let started: { readonly id: string; readonly before: number }[] = [];

/** A fetch's answer, after the runs on screen that were started since the fetch was made. */
function withStarted(answer: readonly Workflow[], shown: readonly Workflow[]): readonly Workflow[] {
  const listed = new Set(answer.map((run) => run.id));
  const waiting = new Set(started.map(({ id }) => id).filter((id) => !listed.has(id)));
  return [...shown.filter((run) => waiting.has(run.id)), ...answer];
}

/** The recent runs store. */
export const useRecentRunsStore = create<RecentRunsState>()((set, get) => ({
  runs: [],
  error: null,
  refresh: async () => {
    const request = ++requests;
    try {
      const runs = await listWorkflows();
      if (request !== requests) return;
      started = started.filter(({ before }) => before >= request);
      set(({ runs: shown }) => ({ runs: withStarted(runs, shown), error: null }));
    } catch (error) {
      if (request === requests)
        set({ error: error instanceof Error ? error.message : String(error) });
    }
  },
  showStatus: (id, status) =>
    set(({ runs }) => {
      const shown = runs.find((run) => run.id === id);
      if (!shown || shown.status === status) return {};
      return {
        runs:
          status === 'deleted'
            ? runs.filter((run) => run !== shown)
            : runs.map((run) => (run === shown ? { ...run, status } : run)),
      };
    }),
  showStarted: (run) => {
    if (get().runs.some((listed) => listed.id === run.id)) return;
    started = [...started, { id: run.id, before: requests }];
    set(({ runs }) => ({ runs: [run, ...runs] }));
  },
}));
