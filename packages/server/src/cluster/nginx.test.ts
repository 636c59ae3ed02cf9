import { readFileSync } from 'node:fs';
import { HEARTBEAT_INTERVAL_MS, PING_INTERVAL_MS } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import { runDoctor } from '../doctor/doctor.js';
import { createCard } from '../test-utils/boardClients.js';
import { DEPLOY_NGINX_CONF, deployNginxConfig } from '../test-utils/engines/deployNginxConfig.js';
import { startNginx, type TestNginx } from '../test-utils/engines/startNginx.js';
import {
  connectTestClient,
  dataOf,
  onTestCleanup,
  rawRequest,
  startTestServer,
  wsOrigin,
} from '../test-utils/index.js';

const started = async (nginx: Promise<TestNginx>): Promise<TestNginx> => {
  const running = await nginx;
  onTestCleanup(() => running.stop());
  return running;
};

/** A proxy as people first write it: proxy_pass alone, which forwards no upgrade. */
const naiveProxy = (port: number, node: string): string => `events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:${port};
    location / { proxy_pass ${node}; }
  }
}`;

describe('nginx in front of the server', () => {
  it('deploy/nginx.conf forwards WebSocket upgrades and HTTP: a board client through it gets its snapshot and its op back', async () => {
    const server = await startTestServer();
    const nginx = await started(
      startNginx((port, prefix) => deployNginxConfig(port, prefix, [server.origin])),
    );
    const health = await rawRequest(nginx, '/health');
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ status: 'healthy', database: 'connected' });
    const client = await connectTestClient(wsOrigin(nginx, '/ws/connect?board_id=via-nginx'));
    await client.next('snapshot');
    createCard(client, 'c1', 'sent through nginx');
    const created = await client.next('card.created');
    expect(dataOf(created).card).toMatchObject({ id: 'c1', title: 'sent through nginx' });
  });

  it('deploy/nginx.conf keeps idle sockets longer than the heartbeat and the ping interval', () => {
    const config = readFileSync(DEPLOY_NGINX_CONF, 'utf8');
    for (const directive of ['proxy_read_timeout', 'proxy_send_timeout']) {
      const seconds = Number(new RegExp(`${directive} (\\d+)s;`).exec(config)?.[1]);
      expect(seconds * 1000).toBeGreaterThan(Math.max(HEARTBEAT_INTERVAL_MS, PING_INTERVAL_MS));
    }
  });

  it('the doctor pointed at a proxy that does not forward upgrades names it, directly and with --via', async () => {
    const server = await startTestServer();
    const nginx = await started(startNginx((port) => naiveProxy(port, server.origin)));
    const direct = await runDoctor({ server: nginx.origin, timeoutMs: 2000 });
    expect(direct.checks.find((c) => c.route === 'health')?.ok).toBe(true);
    const via = await runDoctor({ server: server.origin, via: nginx.origin, timeoutMs: 2000 });
    const throughProxy = [
      ...direct.checks.filter((c) => c.kind === 'ws'),
      ...via.checks.filter((c) => c.kind === 'ws' && c.target === 'via'),
    ];
    expect(throughProxy.length).toBeGreaterThan(1);
    for (const check of throughProxy) {
      expect(check).toMatchObject({ ok: false, status: '426' });
      expect(check.cause).toMatch(/a proxy in between forwards it as plain HTTP/);
      expect(check.cause).toMatch(/nginx: `proxy_http_version 1\.1`, `proxy_set_header Upgrade/);
    }
    expect(via.checks.filter((c) => c.target === 'direct').every((c) => c.ok)).toBe(true);
  });
});
