/** Shared by the local servers: start listening, and learn the port. */
import type { Server } from 'node:net';

/**
 * Listens on `host:port` (0 picks a free port) and resolves with the port; rejects with the
 * listen error (EADDRINUSE, EADDRNOTAVAIL…) instead of letting it crash the process.
 */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
