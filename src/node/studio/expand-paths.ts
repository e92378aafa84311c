import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export const MEDIA_EXTENSIONS =
  /\.(mp4|mov|m4v|mkv|webm|avi|ts|m2ts|mts|mpg|mpeg|vob|dv|mxf|wmv|flv|3gp|ogv|mka|m4a|wav|flac|mp3|aac|opus)$/i;

/**
 * Files as given, and every media file inside given folders (recursively, sorted, hidden entries
 * skipped): what a drop of files and folders onto the app means. A path that does not exist is kept,
 * so its job fails with a clear "no such file" instead of vanishing.
 */
export async function expandPaths(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (p: string, explicit: boolean) => {
    const info = await stat(p).catch(() => undefined);
    if (info?.isDirectory()) {
      const entries = (await readdir(p)).filter((e) => !e.startsWith('.')).sort();
      for (const entry of entries) await walk(path.join(p, entry), false);
    } else if (explicit || (info?.isFile() && MEDIA_EXTENSIONS.test(p))) {
      out.push(p);
    }
  };
  for (const p of paths) await walk(p, true);
  return out;
}
