import { create } from 'zustand';
import type { Workflow } from '@liveline/protocol';
import { listWorkflows } from '../lib/api';

/** Recent runs from `GET /api/workflows`. */
export interface RecentRunsState {
  readonly runs: readonly Workflow[];
  readonly error: string | null;
  /** Fetches the list again. */
  readonly refresh: () => Promise<void>;
}

/** The recent runs store. */
export const useRecentRunsStore = create<RecentRunsState>()((set) => ({
  runs: [],
  error: null,
  refresh: async () => {
    try {
      set({ runs: await listWorkflows(), error: null });
    } catch (error) {
      set({ error: error instanceof Error ? error.message : String(error) });
    }
  },
}));
