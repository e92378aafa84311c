import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/** Builds the UI from the current sources into a fresh folder, so UI tests never run a stale build. */
export async function buildRenderer(): Promise<string> {
  const outDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'hls-studio-ui-')), 'renderer');
  await build({
    configFile: fileURLToPath(new URL('../../renderer/vite.config.ts', import.meta.url)),
    logLevel: 'error',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}
