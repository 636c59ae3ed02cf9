import { useContext } from 'react';
import type { Client } from '../core/createClient.js';
import { LivelineContext } from './LivelineContext.js';

/** The client of the nearest {@link LivelineProvider}. */
export function useLivelineClient(): Client {
  const client = useContext(LivelineContext);
  if (!client) throw new Error('useLivelineClient: wrap the tree in <LivelineProvider client={…}>');
  return client;
}
