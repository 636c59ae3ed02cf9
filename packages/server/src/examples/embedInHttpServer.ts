import { createServer, type Server } from 'node:http';
import { createLivelineServer, type Liveline, type LivelineServerOptions } from '../index.js';

/** A host app with routes of its own that serves Liveline's on the same port. */
export async function startHostApp(
  port: number,
  options: LivelineServerOptions = {},
): Promise<{ server: Server; liveline: Liveline }> {
  const server = createServer((req, res) => {
    if (req.url === '/hello') res.end('hello from the host app\n');
    else res.writeHead(404).end();
  });
  const liveline = await createLivelineServer(options);
  liveline.attach(server); // Liveline answers its routes; every other request reaches the host's
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, liveline };
}
