import { useMemo } from 'react';
import { useConnections } from '@liveline/ws-client/react';
import { useChannelErrors } from '../lib/channelErrors';
import { liveConnections, type RouteConnection } from '../lib/routeConnection';

/** The routes the page holds, as the UI shows them; re-derived only when a connection or its last error changes. */
export function useLiveConnections(): RouteConnection[] {
  const entries = useConnections();
  const errors = useChannelErrors();
  return useMemo(() => liveConnections(entries, errors), [entries, errors]);
}
