import { useMemo, useState } from 'react';
import { OUTBOX_TTL_MS, type TransportCommand } from '@liveline/protocol';
import { LivelineError } from '@liveline/ws-client';
import { useChannel } from '@liveline/ws-client/react';
import { describeCommand } from '../lib/describeCommand';
import { newId } from '../lib/newId';
import { refusalReason, type Refusal } from '../lib/refusalReason';

/** A command sent or queued that the server has not confirmed yet. */
export interface PendingCommand {
  readonly opId: string;
  readonly command: TransportCommand;
}

/** What {@link useTransportCommands} returns. */
export interface TransportCommands {
  /** Commands the server has not confirmed yet, oldest first. */
  readonly pending: readonly PendingCommand[];
  /** Why the last command was not applied, until it is dismissed or the next one is sent. */
  readonly refusal: Refusal | null;
  /** Hides the refusal. */
  readonly dismissRefusal: () => void;
  /** Sends a command; a newer one with the same `key` replaces it while both wait (`seek`, `tempo`). */
  readonly send: (command: TransportCommand, key?: string) => void;
}

/**
 * Sends transport commands with an `op_id` and keeps each pending until the server's `ack` (rule
 * C4), so the page can say what waits to be sent instead of showing the state it will replace.
 */
export function useTransportCommands(): TransportCommands {
  const channel = useChannel('transport');
  const [pending, setPending] = useState<readonly PendingCommand[]>([]);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const send = useMemo(
    () => (command: TransportCommand, key?: string) => {
      const opId = newId('op');
      const settle = () => setPending((all) => all.filter((p) => p.opId !== opId));
      setPending((all) => [...all, { opId, command }]);
      setRefusal(null);
      // The outbox keeps a command this long (G2), so the request waits as long as it may be sent.
      channel
        .request({ ...command, op_id: opId }, { key, timeoutMs: OUTBOX_TTL_MS })
        .then(settle, (error: unknown) => {
          settle();
          // A coalesced command was replaced by a newer one of its kind, which is pending instead.
          if (error instanceof LivelineError && error.code === 'coalesced') return;
          setRefusal({
            id: opId,
            text: `${describeCommand(command).name} was not applied: ${refusalReason(error)}.`,
          });
        });
    },
    [channel],
  );
  const dismissRefusal = useMemo(() => () => setRefusal(null), []);
  return { pending, refusal, dismissRefusal, send };
}
