/**
 * The exact command as a line a user can paste into a POSIX shell (LosslessCut shows this and users rely
 * on it). For display and logs only: processes are always spawned with an argument array, never a shell.
 */
export function formatCommandLine(bin: string, args: readonly string[]): string {
  return [bin, ...args].map(shellQuote).join(' ');
}

function shellQuote(arg: string): string {
  if (arg !== '' && /^[\w@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
