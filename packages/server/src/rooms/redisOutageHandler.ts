import { ErrorReply, TimeoutReadError } from 'redis';

/** What the handler uses of a node-redis client. */
interface RedisConnection {
  readonly isReady: boolean;
  destroy(): void;
  connect(): Promise<unknown>;
}

/**
 * Error replies of a Redis that cannot serve anyone now, though it answers: loading its dataset
 * after a restart, or blocked by a script running too long. They end by themselves.
 */
const UNAVAILABLE_REPLY = /^(LOADING|BUSY)\b/;

/**
 * Whether `error` is Redis's answer to that one call (a script's `ERR`, `WRONGTYPE`, `OOM`,
 * `NOPERM`): an error reply other than `LOADING` or `BUSY`.
 */
export const failsCallOnly = (error: unknown): error is ErrorReply =>
  error instanceof ErrorReply && !UNAVAILABLE_REPLY.test(error.message);

/** The right to use `channel` (publish, subscribe), as the broker's health names rights. */
export const channelRight = (channel: string): string => `channel ${channel}`;
/**
 * The right to the node's keys and commands, as the broker's health names rights. Every room's
 * keys share the deployment's prefix, which one ACL key pattern grants or refuses alike, so rooms
 * are not told apart; and every call writes (a trim at least), so it needs what every other does.
 */
export const COMMANDS_RIGHT = 'commands';
/**
 * The right to the commands of the calls that publish, PUBLISH among them, as the broker's health
 * names rights: a user granted `+@read +@write +@scripting` lacks it while every other call works.
 */
export const PUBLISHING_RIGHT = 'commands that publish';

/**
 * The rights a call that worked proves, as {@link refusedRight} names them: a script's, the keys
 * and commands every call needs; one publishing to `channel` (null: none), that channel's and the
 * right to publish.
 */
export const servedRights = (channel: string | null, { script = true } = {}): string[] => [
  ...(script ? [COMMANDS_RIGHT] : []),
  ...(channel === null ? [] : [PUBLISHING_RIGHT, channelRight(channel)]),
];

/**
 * The right Redis refused the node's user on a call using `channel` (`null`: one that does not
 * publish), by its reply (null: no ACL refusal): `NOPERM`, or a script's call the ACL refused (an
 * `ERR`, e.g. `The user executing the script can't publish to the channel…`). Configuration causes
 * it, not the call, so every call needing it fails the same.
 */
export const refusedRight = (error: unknown, channel: string | null): string | null => {
  if (!(error instanceof ErrorReply)) return null;
  if (!/^NOPERM\b|user executing the script can't/.test(error.message)) return null;
  if (channel === null) return COMMANDS_RIGHT;
  return /channel/.test(error.message) ? channelRight(channel) : PUBLISHING_RIGHT;
};

/**
 * What a connection to Redis does with a failure: `failed` hears of it, unless it is an error reply
 * other than `LOADING` or `BUSY` (a script's `ERR`, `WRONGTYPE`, `OOM`: Redis answered, so only that
 * call failed), and a connection on which a command or PING outlived its reply deadline is dropped
 * and made again. node-redis keeps such a connection open, so every later command would wait behind
 * the one Redis never answered; the client renews its subscriptions on the new connection.
 */
export const redisOutageHandler =
  (client: RedisConnection, failed: (error: unknown) => void) =>
  (error: unknown): void => {
    if (failsCallOnly(error)) return;
    failed(error);
    // Not ready: the connection is already being made again.
    if (!(error instanceof TimeoutReadError) || !client.isReady) return;
    client.destroy();
    // Rejects only when the client is closed meanwhile.
    client.connect().catch(failed);
  };
