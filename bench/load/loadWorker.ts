/**
 * A load-generator process: the orchestrator forks it (pinned to its own core), sends one job,
 * says `go` when it has started measuring the server, and reads the result.
 */
import type { ClientConnection, Endpoint, PeerKind } from './Endpoint.js';
import {
  JOB_DEADLINE_MS,
  type FromWorker,
  type JobOutput,
  type LoadJob,
  type LoadResult,
  type ToWorker,
} from './LoadJob.js';
import type { Phases } from './Phases.js';
import { runClosedLoop } from './runClosedLoop.js';
import { runConnectStorm } from './runConnectStorm.js';
import { runEchoRtt } from './runEchoRtt.js';
import { runFanout } from './runFanout.js';
import { runReconnectStorm } from './runReconnectStorm.js';
import { runTick30 } from './runTick30.js';

// Loaded on demand, so the peers' clients do not depend on Liveline's workspace sources.
const endpoints: Record<PeerKind, () => Promise<(port: number) => Endpoint>> = {
  liveline: async () => (await import('./createLivelineEndpoint.js')).createLivelineEndpoint,
  // Every client is another person with a token of their own: each is verified once.
  'liveline-auth': async () => {
    const { createLivelineEndpoint } = await import('./createLivelineEndpoint.js');
    const { benchToken } = await import('../lib/benchToken.js');
    let people = 0;
    return (port) =>
      createLivelineEndpoint(port, () => benchToken(`person-${process.pid}-${people++}`));
  },
  // Every client opened one invite link (PROTOCOL.md A9): one token, verified once, remembered.
  'liveline-invite': async () => {
    const { createLivelineEndpoint } = await import('./createLivelineEndpoint.js');
    const token = (await import('../lib/benchToken.js')).benchToken('invitee');
    return (port) => createLivelineEndpoint(port, () => token);
  },
  'liveline-prune': async () =>
    (await import('./createLivelineEndpoint.js')).createLivelineEndpoint,
  // ws-frame differs from ws-raw only in how the server writes broadcasts; the clients are the same.
  'ws-frame': async () => (await import('./createWsRawEndpoint.js')).createWsRawEndpoint,
  'ws-raw': async () => (await import('./createWsRawEndpoint.js')).createWsRawEndpoint,
  socketio: async () => (await import('./createSocketIoEndpoint.js')).createSocketIoEndpoint,
};

const send = (message: FromWorker): void => void process.send?.(message);
const waitFor = (type: ToWorker['type']): Promise<void> =>
  new Promise((resolve) => {
    const listener = (message: ToWorker): void => {
      if (message.type !== type) return;
      process.off('message', listener);
      resolve();
    };
    process.on('message', listener);
  });

let kept: ClientConnection[] = [];
const phases: Phases = {
  ready: () => {
    const go = waitFor('go');
    send({ type: 'ready' });
    return go;
  },
  mark: waitFor('mark'),
  back: () => {
    const allBack = waitFor('all-back');
    send({ type: 'back' });
    return allBack;
  },
};

const numbers = async (result: Promise<LoadResult>): Promise<JobOutput> => ({
  kind: 'numbers',
  result: await result,
});

const run = async (job: LoadJob): Promise<JobOutput> => {
  const endpointAt = await endpoints[job.peer]();
  const endpoint = endpointAt(job.port);
  switch (job.kind) {
    case 'fanout':
      return numbers(runFanout(endpointAt, job, phases));
    case 'closed-loop':
      return numbers(runClosedLoop(endpointAt, job, phases));
    case 'tick30':
      return numbers(runTick30(endpoint, job, phases));
    case 'connect-storm':
      return numbers(runConnectStorm(endpoint, job, phases, (connections) => (kept = connections)));
    case 'echo-rtt':
      return numbers(runEchoRtt(endpoint, job, phases));
    case 'reconnect-storm':
      return { kind: 'storm-shard', shard: await runReconnectStorm(endpoint, job, phases) };
  }
};

const deadline = setTimeout(() => {
  send({ type: 'failed', error: `job did not finish within ${JOB_DEADLINE_MS} ms` });
  process.exit(1);
}, JOB_DEADLINE_MS);

process.on('message', (message: ToWorker) => {
  if (message.type === 'exit') {
    for (const connection of kept) connection.close();
    clearTimeout(deadline);
    process.exit(0);
  }
  if (message.type !== 'job') return;
  run(message.job).then(
    (output) => send({ type: 'done', output }),
    (error: unknown) =>
      send({ type: 'failed', error: error instanceof Error ? error.message : String(error) }),
  );
});
