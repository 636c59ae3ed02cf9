import { create } from 'zustand';
import { readSession, type Session } from '../lib/session';

/** The page's session: who its token names, or null (auth off, or no token). */
export interface SessionState {
  readonly session: Session | null;
}

/** The session store; main.tsx fills it once the invite link's token is adopted. */
export const useSessionStore = create<SessionState>()(() => ({ session: readSession() }));
