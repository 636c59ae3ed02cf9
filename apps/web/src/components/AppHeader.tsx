import { useLiveConnections } from '../hooks/useLiveConnections';
import type { PageEntry } from '../pages/pageList';
import { useUiStore } from '../stores/uiStore';
import { ConnectionBar } from './ConnectionBar';
import { Link } from './Link';
import { SessionStatus } from './SessionStatus';

/** Brand, page navigation, connection indicators and the diagnostics toggle. */
export function AppHeader({
  pages,
  current,
}: {
  readonly pages: readonly PageEntry[];
  readonly current: string | null;
}) {
  const connections = useLiveConnections();
  const open = useUiStore((s) => s.diagnosticsOpen);
  const toggle = useUiStore((s) => s.toggleDiagnostics);
  return (
    <header className="app-header">
      <div className="app-header__top">
        <Link href="/" className="brand">
          <span className="brand__mark" aria-hidden="true" />
          Liveline
        </Link>
        <nav aria-label="Pages" className="nav">
          {pages.map((p) => (
            <Link
              key={p.path}
              href={p.path}
              className="nav__link"
              aria-current={p.path === current ? 'page' : undefined}
            >
              {p.title}
            </Link>
          ))}
        </nav>
        <SessionStatus connections={connections} />
        <button
          type="button"
          className="button button--ghost"
          aria-expanded={open}
          onClick={toggle}
        >
          Diagnostics
        </button>
      </div>
      <ConnectionBar connections={connections} />
    </header>
  );
}
