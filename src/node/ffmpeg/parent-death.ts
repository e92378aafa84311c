import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/**
 * ffmpeg runs in a process group of its own (so cancel can kill its whole tree), which also means a
 * SIGKILL of the CLI's group does not reach it: it kept encoding into a dead staging folder for a minute
 * (issue 13). On Linux each child is started through util-linux `setpriv --pdeathsig KILL`, which sets
 * PR_SET_PDEATHSIG and execs the binary in the same process: the kernel kills it the moment the thread
 * that spawned it dies. libuv forks from the JS thread that calls spawn (the main thread for the CLI and
 * the studio server), so the child lives exactly as long as that thread.
 *
 * Elsewhere (macOS, Windows, a Linux without setpriv) children are started directly: cancel and the
 * watchdog still kill them, a SIGKILL of the parent does not.
 */
export function parentDeathWrapper(
  env: NodeJS.ProcessEnv = process.env,
): { bin: string; args: string[] } | undefined {
  if (process.platform !== 'linux' || env.HLS_STUDIO_NO_PDEATHSIG === '1') return undefined;
  cached ??= { bin: findSetpriv(env) };
  return cached.bin ? { bin: cached.bin, args: ['--pdeathsig', 'KILL', '--'] } : undefined;
}

let cached: { bin: string | undefined } | undefined;

function findSetpriv(env: NodeJS.ProcessEnv): string | undefined {
  const dirs = ['/usr/bin', '/bin', ...(env.PATH ?? '').split(path.delimiter).filter(Boolean)];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'setpriv');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}
