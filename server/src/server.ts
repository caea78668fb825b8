import http from 'node:http';
import type { AppContext } from './context.js';
import { createApp } from './app.js';
import { attachRealtime } from './realtime/server.js';

export interface RunningServer {
  server: http.Server;
  url: string;
  /** Stops taking connections, lets requests in flight answer for up to `drainMs`, then drops the rest. */
  close(drainMs?: number): Promise<void>;
}

/** How long a closing server lets requests in flight finish (inside the 10 s shutdown deadline). */
export const DRAIN_MS = 4_000;

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
    async close(drainMs = DRAIN_MS) {
      // No new connections from here on; idle keep-alive connections close now, busy ones after
      // their response (a response sent is a request acknowledged, and its transaction committed).
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections?.();
      await realtime.close();
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        closed.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), drainMs);
        }),
      ]);
      clearTimeout(timer);
      if (!drained) server.closeAllConnections?.();
      await closed;
    },
  };
}
