import type { TransportCommand } from '@liveline/protocol';

/** A transport command in a user's words: its name, and what it will do once applied. */
export interface CommandDescription {
  readonly name: string;
  readonly effect: string;
}

const seconds = (value: number | undefined) => `${(value ?? 0).toFixed(1)} s`;

/** What a transport command will do once the server applies it (rule C4). */
export function describeCommand(command: TransportCommand): CommandDescription {
  switch (command.type) {
    case 'play':
      return { name: 'Play', effect: 'playback will start from the current position' };
    case 'pause':
      return { name: 'Pause', effect: 'playback will stop and keep its position' };
    case 'resume':
      return { name: 'Resume', effect: 'playback will continue from where it stopped' };
    case 'stop':
      return { name: 'Stop', effect: 'playback will stop and go back to the start' };
    case 'seek':
      return { name: 'Seek', effect: `the playhead will jump to ${seconds(command.time_seconds)}` };
    case 'tempo':
      return { name: 'Tempo', effect: `the tempo will change to ${command.bpm} BPM` };
    case 'loop':
      return {
        name: 'Loop',
        effect: command.enabled
          ? `playback will loop from ${seconds(command.start_seconds)} to ${seconds(command.end_seconds)}`
          : 'looping will turn off',
      };
  }
}
