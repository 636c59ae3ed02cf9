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
}

/** Numbers the fetches, so an answer that arrives after a newer call's is dropped. */
let requests = 0;

/** The recent runs store. */
export const useRecentRunsStore = create<RecentRunsState>()((set) => ({
  runs: [],
  error: null,
  refresh: async () => {
    const request = ++requests;
    try {
      const runs = await listWorkflows();
      if (request === requests) set({ runs, error: null });
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
}));
