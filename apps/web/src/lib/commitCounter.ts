declare global {
  interface Window {
    /** React commits since load; the e2e test proves the playhead animates without renders. */
    __livelineCommits?: number;
  }
}

/** Profiler `onRender` callback that counts commits on `window.__livelineCommits`. */
export function countCommit(): void {
  window.__livelineCommits = (window.__livelineCommits ?? 0) + 1;
}
