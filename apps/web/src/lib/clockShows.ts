import type { ClockState, TransportCommand } from '@liveline/protocol';

/**
 * Whether the clock's `state` shows what `command` changes on the DAW page (rule C4): the playing
 * state, the tempo, the loop. A seek changes only the playhead, which follows the clock anyway.
 */
export function clockShows(state: ClockState, command: TransportCommand): boolean {
  switch (command.type) {
    case 'play':
    case 'resume':
      return state.playing;
    case 'pause':
      return !state.playing;
    case 'stop':
      return !state.playing && state.time_seconds === 0;
    case 'seek':
      return true;
    case 'tempo':
      return state.bpm === command.bpm;
    case 'loop':
      return (
        state.loop_enabled === command.enabled &&
        (command.start_seconds ?? state.loop_start_seconds) === state.loop_start_seconds &&
        (command.end_seconds ?? state.loop_end_seconds) === state.loop_end_seconds
      );
  }
}
