import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onFreePort, spawnEngine, type EngineProcess } from './spawnEngine.js';

/** Debian's nginx (`npm test` installs it). */
export const NGINX = '/usr/sbin/nginx';

/** An nginx a test started with its own config and prefix; never the system service. */
export interface TestNginx {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Its prefix directory (its config, pid file and whatever the config writes relative to it). */
  readonly prefix: string;
  readonly process: EngineProcess;
  /** Stops it (fast shutdown) and removes its prefix. */
  stop(): Promise<void>;
}

const PORT_TAKEN = /Address already in use/;

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * Starts nginx in the foreground with the config `render` writes for a free port and the prefix
 * directory; it is ready when its port accepts connections.
 */
export async function startNginx(
  render: (port: number, prefix: string) => string,
): Promise<TestNginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'liveline-nginx-'));
  try {
    const started = await onFreePort(
      async (port) => {
        const config = join(prefix, 'nginx.conf');
        writeFileSync(config, render(port, prefix));
        const process = await spawnEngine({
          name: 'nginx',
          command: NGINX,
          args: [
            ...['-p', `${prefix}/`, '-c', config, '-e', 'stderr'],
            ...['-g', `daemon off; pid ${join(prefix, 'nginx.pid')};`],
          ],
          // nginx keeps retrying a taken port for a while: only its own listener counts.
          ready: async (output) => !PORT_TAKEN.test(output) && (await accepts(port)),
          // SIGTERM is nginx's fast shutdown (SIGQUIT would wait for every open WebSocket).
          stopSignal: 'SIGTERM',
        });
        return { port, process };
      },
      (error) => PORT_TAKEN.test(error.output),
    );
    return {
      port: started.port,
      origin: `http://127.0.0.1:${started.port}`,
      prefix,
      process: started.process,
      async stop() {
        await started.process.stop();
        rmSync(prefix, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(prefix, { recursive: true, force: true });
    throw error;
  }
}
