import { assembleLiveline } from './compose/createLivelineServer.js';
import type { LivelineServer, LivelineServerOptions } from './compose/Liveline.js';
import { refuseHostWithoutAuth } from './config/noAuthRefusal.js';
import { resolveServerOptions } from './config/serverOptions.js';

export { DRAIN_TIMEOUT_MS, createLivelineServer } from './compose/createLivelineServer.js';
export type { Liveline, LivelineServer, LivelineServerOptions } from './compose/Liveline.js';
export type { LifecycleState } from './compose/lifecycle.js';
export type { LivelineParts } from './compose/resolveParts.js';
export type { ServerOptions } from './config/serverOptions.js';
export { ConfigError, LivelineServerError, StorageError } from './errors.js';
export type { Stage, StageInput } from './domains/workflow/Stage.js';
export { StageFailedError } from './domains/workflow/Stage.js';
export { DEFAULT_COLUMNS } from './domains/board/defaultColumns.js';
export type { Logger, LogFields } from './log/createLogger.js';
export type {
  Broker,
  FrameListener,
  PublishResult,
  RangeRead,
  RoomSeed,
  StreamPosition,
} from './rooms/Broker.js';
export type {
  AppendRequest,
  AppendResult,
  DocumentKind,
  DocumentWrite,
  HistoryEntry,
  RoomHead,
  Storage,
  StorageStatus,
} from './storage/Storage.js';

/** Starts a Liveline server on its own port: {@link createLivelineServer} plus `listen`. */
export async function startServer(options: LivelineServerOptions = {}): Promise<LivelineServer> {
  const config = resolveServerOptions(options);
  // `listen` refuses the host too, but only after storage is open and auth-off was logged.
  refuseHostWithoutAuth(config);
  return (await assembleLiveline(options, config)).listen();
}
