import { useMemo } from 'react';
import { channelStore } from '../lib/channelStore';
import { openChannel } from '../lib/liveline';
import {
  INITIAL_COORDINATOR,
  reduceCoordinator,
  type CoordinatorState,
} from '../stores/coordinatorState';
import { useChannelState } from './useChannelState';

/** Coordinator metrics and their recent history over `/ws/coordinator`. */
export function useCoordinator(): CoordinatorState {
  const store = useMemo(
    () => channelStore(openChannel('coordinator'), reduceCoordinator, INITIAL_COORDINATOR),
    [],
  );
  return useChannelState(store);
}
