import { useLiveConnections } from '../hooks/useLiveConnections';
import { useUiStore } from '../stores/uiStore';
import { DiagnosticsPanel } from './DiagnosticsPanel';

/** The diagnostics panel beside the page, when the header's toggle opened it. */
export function DiagnosticsDrawer() {
  const open = useUiStore((s) => s.diagnosticsOpen);
  const toggle = useUiStore((s) => s.toggleDiagnostics);
  const connections = useLiveConnections();
  if (!open) return null;
  return (
    <aside className="drawer">
      <DiagnosticsPanel connections={connections} onClose={toggle} />
    </aside>
  );
}
