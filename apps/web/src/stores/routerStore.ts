import { create } from 'zustand';

/** The browser location the app renders. */
export interface RouterState {
  readonly path: string;
  readonly query: URLSearchParams;
  /** Goes to `to` (path with optional query), adding a history entry unless `replace`. */
  readonly navigate: (to: string, options?: { replace?: boolean }) => void;
}

const read = () => ({
  path: window.location.pathname,
  query: new URLSearchParams(window.location.search),
});

/** The location store: history API only, no router dependency. */
export const useRouterStore = create<RouterState>()((set) => ({
  ...read(),
  navigate: (to, options) => {
    const target = new URL(to, window.location.href);
    if (target.pathname + target.search === window.location.pathname + window.location.search)
      return;
    if (options?.replace) window.history.replaceState(null, '', target);
    else window.history.pushState(null, '', target);
    set(read());
  },
}));

window.addEventListener('popstate', () => useRouterStore.setState(read()));
