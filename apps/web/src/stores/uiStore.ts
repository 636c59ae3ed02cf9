import { create } from 'zustand';

/** App-wide UI state that no page owns. */
export interface UiState {
  readonly diagnosticsOpen: boolean;
  readonly toggleDiagnostics: () => void;
}

/** The UI store. */
export const useUiStore = create<UiState>()((set) => ({
  diagnosticsOpen: false,
  toggleDiagnostics: () => set((s) => ({ diagnosticsOpen: !s.diagnosticsOpen })),
}));
