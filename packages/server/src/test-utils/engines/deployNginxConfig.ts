import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's deploy/nginx.conf. */
export const DEPLOY_NGINX_CONF = fileURLToPath(
  new URL('../../../../../deploy/nginx.conf', import.meta.url),
);

const replaceOnce = (text: string, pattern: RegExp, by: string, what: string): string => {
  if (!pattern.test(text))
    throw new Error(`deploy/nginx.conf has no ${what}: the test must follow it`);
  return text.replace(pattern, by);
};

/**
 * deploy/nginx.conf as a test runs it: its upstream lists `nodes` (origins like
 * `http://127.0.0.1:1234`), it listens on 127.0.0.1:`port`, and it logs into `prefix`. Everything
 * else is the file as shipped; a change to the lines it replaces fails loudly.
 */
export function deployNginxConfig(port: number, prefix: string, nodes: readonly string[]): string {
  let config = readFileSync(DEPLOY_NGINX_CONF, 'utf8');
  const servers = nodes.map((node) => `server ${new URL(node).host};`).join('\n        ');
  config = replaceOnce(
    config,
    /(\s*server 127\.0\.0\.1:\d+;)+/,
    `\n        ${servers}`,
    'upstream servers',
  );
  config = replaceOnce(config, /listen \d+;/, `listen 127.0.0.1:${port};`, 'listen line');
  config = replaceOnce(config, /\/var\/log\/nginx\//g, `${join(prefix)}/`, 'log paths');
  return config;
}
