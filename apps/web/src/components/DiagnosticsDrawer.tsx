import { useEffect, useRef } from 'react';
import { useLiveConnections } from '../hooks/useLiveConnections';
import { useUiStore } from '../stores/uiStore';
import { DiagnosticsPanel } from './DiagnosticsPanel';

/**
 * The diagnostics panel beside the page, when the header's toggle opened it. Opened, it takes the
 * focus; Escape closes it, and closed, the focus goes back to what opened it.
 */
export function DiagnosticsDrawer() {
  const open = useUiStore((s) => s.diagnosticsOpen);
  const toggle = useUiStore((s) => s.toggleDiagnostics);
  const connections = useLiveConnections();
  const drawer = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!open) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    // On a narrow screen the drawer lies below the page: the focus scrolls it into view.
    drawer.current?.focus();
    return () => opener?.focus();
  }, [open]);
  if (!open) return null;
  return (
    <aside
      ref={drawer}
      tabIndex={-1}
      className="drawer"
      aria-label="Diagnostics drawer"
      onKeyDown={(event) => {
        if (event.key === 'Escape') toggle();
      }}
    >
      <DiagnosticsPanel connections={connections} onClose={toggle} />
    </aside>
  );
}
