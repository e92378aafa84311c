import { readdirSync, readFileSync } from 'node:fs';

/** One line of /proc/PID/stat, split after the command name (which may hold spaces). */
function stat(pid: number): { comm: string; state: string; ppid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' ');
    return { comm: text.slice(text.indexOf('(') + 1, close), state: fields[0]!, ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

/** Running (not zombie) processes whose parent is `ppid`, with their command lines (Linux /proc). */
export function childrenOf(ppid: number): { pid: number; comm: string; args: string[] }[] {
  const out = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const s = stat(pid);
    if (!s || s.ppid !== ppid || s.state === 'Z') continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      continue;
    }
    out.push({ pid, comm: s.comm, args });
  }
  return out;
}

/** The process exists and is not a zombie (a killed orphan waits as a zombie until init reaps it). */
export function isAlive(pid: number): boolean {
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z' && s.state !== 'X';
}
