// Binaries and free ports for the PBX test processes (Kamailio, rtpengine). Node built-ins only.
import { accessSync, constants as fsConstants } from 'node:fs';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** Find an executable in PATH, then in the sbin dirs a normal user's PATH often lacks. */
export function findBinary(name: string, envVar?: string): string | undefined {
  const fromEnv = envVar ? process.env[envVar] : undefined;
  if (fromEnv) return fromEnv;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** A free TCP port on 127.0.0.1 (bind to 0, read, close); or check that `port` is free. */
export function freeTcpPort(port = 0): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', rej);
    srv.listen(port, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

/**
 * A free UDP port on 127.0.0.1; or check that `port` is free. (Binding without
 * SO_REUSEADDR fails if Kamailio holds the port; Kamailio itself would silently share it.)
 */
export function freeUdpPort(port = 0): Promise<number> {
  return new Promise((res, rej) => {
    const sock = createSocket('udp4');
    sock.once('error', rej);
    sock.bind(port, '127.0.0.1', () => {
      const port = sock.address().port;
      sock.close(() => res(port));
    });
  });
}
