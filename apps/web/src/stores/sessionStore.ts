import { create } from 'zustand';
import { readSession, type Session, type SwitchQuestion } from '../lib/session';

/** The page's session: who its token names, or null (auth off, or no token). */
export interface SessionState {
  readonly session: Session | null;
  /** An invite link for another subject, opened in this tab: whether to switch, not yet answered. */
  readonly question: SwitchQuestion | null;
}

/** The session store; main.tsx fills it once the invite link's token is adopted or asked about. */
export const useSessionStore = create<SessionState>()(() => ({
  session: readSession(),
  question: null,
}));
