import http from 'node:http';
import type { AppContext } from './context.js';
import { createApp } from './app.js';
import { attachRealtime } from './realtime/server.js';

export interface RunningServer {
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

/** The HTTP server with socket.io attached, listening; used by main.ts and by tests (port 0). */
export async function startServer(ctx: AppContext, port: number, host = '127.0.0.1'): Promise<RunningServer> {
  const app = createApp(ctx);
  const server = http.createServer(app);
  const realtime = await attachRealtime(server, ctx);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  const actualPort = typeof addr === 'object' && addr ? addr.port : port;
  return {
    server,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actualPort}`,
    async close() {
      await realtime.close();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
