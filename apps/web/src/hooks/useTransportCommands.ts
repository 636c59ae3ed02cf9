import { useEffect, useMemo, useState } from 'react';
import { OUTBOX_TTL_MS, type ClockState, type TransportCommand } from '@liveline/protocol';
import { LivelineError } from '@liveline/ws-client';
import { useChannel, useClockSync, useTransport } from '@liveline/ws-client/react';
import { clockShows } from '../lib/clockShows';
import { useClockHeard } from './useClockHeard';
import { describeCommand } from '../lib/describeCommand';
import { newId } from '../lib/newId';
import { refusalText, type Refusal } from '../lib/refusalReason';

/** Longest an acknowledged command waits for the clock to show it: ten times TA1's 100 ms. */
const CLOCK_CATCH_UP_MS = 1000;

/** A command sent or queued that the server has not confirmed yet. */
export interface PendingCommand {
  readonly opId: string;
  readonly command: TransportCommand;
}

/**
 * A pending command; once acknowledged, with the clock state on screen when the ack came and when
 * it stops waiting for the clock (`performance.now()` ms).
 */
interface SentCommand extends PendingCommand {
  readonly ackedOver?: ClockState | null;
  readonly doneBy?: number;
}

/**
 * The commands not done yet. An acknowledged one is done once the clock shows it, reports any
 * change since the ack, or a later command is acknowledged too (the server applies them in order,
 * so the later one says what comes). The ack can arrive before the clock's tick with the new state
 * (another socket, up to a tick behind; TA1's 100 ms from another node): until then the command
 * stays, so the old state does not flash up between the two.
 */
const waiting = (sent: readonly SentCommand[], clock: ClockState | null) =>
  sent.filter(
    (p, i) =>
      p.ackedOver === undefined ||
      (clock !== null &&
        clock === p.ackedOver &&
        !clockShows(clock, p.command) &&
        sent.slice(i + 1).every((later) => later.ackedOver === undefined)),
  );

/** What {@link useTransportCommands} returns. */
export interface TransportCommands {
  /** Commands the server has not confirmed yet, or the clock does not show yet, oldest first. */
  readonly pending: readonly PendingCommand[];
  /** Why the last command was not applied, until it is dismissed or the next one is sent. */
  readonly refusal: Refusal | null;
  /** Hides the refusal. */
  readonly dismissRefusal: () => void;
  /** Sends a command; a newer one with the same `key` replaces it while both wait (`seek`, `tempo`). */
  readonly send: (command: TransportCommand, key?: string) => void;
  /** Whether the clock is heard (useClockHeard): while it is not, the state shown is the last heard. */
  readonly clockOpen: boolean;
}

/**
 * Sends transport commands with an `op_id` and keeps each pending until the server's `ack` (rule
 * C4) and the clock showing it, so the page says what waits to be sent or applied instead of
 * showing the state it will replace.
 */
export function useTransportCommands(): TransportCommands {
  const channel = useChannel('transport');
  const sync = useClockSync();
  const clock = useTransport().state;
  const clockOpen = useClockHeard();
  const [sent, setSent] = useState<readonly SentCommand[]>([]);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const send = useMemo(
    () => (command: TransportCommand, key?: string) => {
      const opId = newId('op');
      const drop = () => setSent((all) => all.filter((p) => p.opId !== opId));
      const acked = () => {
        const ackedOver = sync.getState().anchor;
        // Another client's command may have undone it before a tick: the clock never shows it.
        const doneBy = performance.now() + CLOCK_CATCH_UP_MS;
        setSent((all) => all.map((p) => (p.opId === opId ? { ...p, ackedOver, doneBy } : p)));
      };
      // Commands already done leave here: the list does not grow with every press.
      setSent((all) => [...waiting(all, sync.getState().anchor), { opId, command }]);
      setRefusal(null);
      // The outbox keeps a command this long (G2), so the request waits as long as it may be sent.
      channel
        .request({ ...command, op_id: opId }, { key, timeoutMs: OUTBOX_TTL_MS })
        .then(acked, (error: unknown) => {
          drop();
          // A coalesced command was replaced by a newer one of its kind, which is pending instead.
          if (error instanceof LivelineError && error.code === 'coalesced') return;
          setRefusal({
            id: opId,
            text: refusalText(describeCommand(command).name, 'applied', error),
          });
        });
    },
    [channel, sync],
  );
  // One timer for the next command done waiting, owned by the effect: an unmount clears it. While
  // the clock is down none is done: the clock cannot show it, and its first tick back will.
  useEffect(() => {
    const next = Math.min(...sent.map((p) => p.doneBy ?? Infinity));
    if (next === Infinity || !clockOpen) return;
    const timer = setTimeout(
      () => setSent((all) => all.filter((p) => (p.doneBy ?? Infinity) > performance.now())),
      next - performance.now(),
    );
    return () => clearTimeout(timer);
  }, [sent, clockOpen]);
  const pending = waiting(sent, clock);
  const dismissRefusal = useMemo(() => () => setRefusal(null), []);
  return { pending, refusal, dismissRefusal, send, clockOpen };
}
