import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Debian's redis-server is on this machine (and in CI); tests that need it are skipped without it. */
export const REDIS_SERVER =
  spawnSync('redis-server', ['--version']).status === 0 ? 'redis-server' : undefined;
export const NO_REDIS_MESSAGE =
  'redis-server is not installed (apt-get install redis-server): farm tests skipped';

export interface TestRedis {
  port: number;
  url: string;
  connection: { host: string; port: number; db: number };
  /** Stops the server (SIGTERM; with `persist` it writes its append-only file first). */
  stop(): Promise<void>;
  /** Starts it again on the same port (and, with `persist`, the same data). */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  dispose(): Promise<void>;
}

/**
 * A real Redis for one test on a free loopback port: `--save '' --appendonly no` by default; with
 * `persist`, an fsync-always append-only file, so a restart keeps the queue (a restart test).
 */
export async function startRedis(options: { persist?: boolean } = {}): Promise<TestRedis> {
  if (!REDIS_SERVER) throw new Error(NO_REDIS_MESSAGE);
  const port = await freePort();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'redis-test-'));
  let child: ChildProcess | undefined;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--dir',
    dir,
    ...(options.persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
  ];
  const start = async () => {
    child = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
    await waitForPort(port);
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    connection: { host: '127.0.0.1', port, db: 0 },
    stop,
    start,
    dispose: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.write('PING\r\n');
      });
      socket.once('data', (d) => {
        socket.destroy();
        resolve(d.toString().startsWith('+PONG'));
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not answer on port ${port}`);
}
