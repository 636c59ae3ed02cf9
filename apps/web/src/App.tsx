import { useEffect, useRef } from 'react';
import { AppHeader } from './components/AppHeader';
import { DiagnosticsDrawer } from './components/DiagnosticsDrawer';
import { SwitchSessionQuestion } from './components/SwitchSessionQuestion';
import { NotFoundPage } from './pages/NotFoundPage';
import { PAGES } from './pages/pageList';
import { useRouterStore } from './stores/routerStore';

/** The shell: header with connection truth, the current page, the diagnostics drawer. */
export function App() {
  const path = useRouterStore((s) => s.path);
  const navigate = useRouterStore((s) => s.navigate);
  const entry = PAGES.find((p) => p.path === path);
  const mainRef = useRef<HTMLElement>(null);

  useEffect(() => {
    if (path === '/') navigate(PAGES[0]?.path ?? '/', { replace: true });
  }, [path, navigate]);

  useEffect(() => {
    document.title = entry ? `${entry.title} · Liveline` : 'Liveline';
  }, [entry]);

  const Page = entry?.Page ?? NotFoundPage;
  return (
    <div className="app">
      {/* A keyboard user's first Tab: past the header's links to the page. Focused by script, as
          the router would take a `#main` for a path. */}
      <a
        className="skip-link"
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          mainRef.current?.focus();
        }}
      >
        Skip to content
      </a>
      <AppHeader pages={PAGES} current={entry?.path ?? null} />
      <div className="app__body">
        {/* Focusable from script only: it takes the focus when the question above it is answered. */}
        <main ref={mainRef} className="app__main" id="main" tabIndex={-1}>
          <SwitchSessionQuestion afterAnswer={() => mainRef.current?.focus()} />
          {path === '/' ? null : <Page />}
        </main>
        <DiagnosticsDrawer />
      </div>
    </div>
  );
}
