import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The first ancestor of `from` (a module's import.meta.url) holding `relative`: how the engine finds the
 * package's own folders (presets/, dist/renderer/) whether it runs from src/, dist/, an Electron build or
 * an asar archive.
 */
export function findUp(from: string, relative: string, maxLevels = 6): string | undefined {
  let dir = path.dirname(fileURLToPath(from));
  for (let i = 0; i <= maxLevels; i++) {
    const candidate = path.join(dir, relative);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}
