import { useMemo } from 'react';
import { useConnections } from '@liveline/ws-client/react';
import { liveConnections, type RouteConnection } from '../lib/routeConnection';

/** The routes the page holds, as the UI shows them; re-derived only when a connection changes. */
export function useLiveConnections(): RouteConnection[] {
  const entries = useConnections();
  return useMemo(() => liveConnections(entries), [entries]);
}
