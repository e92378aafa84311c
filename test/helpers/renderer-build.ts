import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** What the UI is built from: its own sources, the shared engine types it imports, the locked deps. */
const INPUTS = ['renderer', 'src/common', 'package-lock.json'];
const CACHE = path.join(ROOT, 'test-artifacts', 'renderer-builds');
const DONE = '.complete';
const LOCK_STALE_MS = 180_000;

/**
 * The UI built from the current sources. Builds are kept by a hash of every input file's content, so a
 * UI test never runs a stale build, and the e2e files of one run (two at a time, in separate workers)
 * share one build instead of making one each: the first takes a lock directory and builds, the others
 * wait for its marker.
 */
export async function buildRenderer(): Promise<string> {
  const key = await inputsHash();
  const dir = path.join(CACHE, key);
  const out = path.join(dir, 'renderer');
  const lock = `${dir}.lock`;
  for (;;) {
    if (await exists(path.join(dir, DONE))) return out;
    await mkdir(CACHE, { recursive: true });
    if (await takeLock(lock)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  try {
    if (await exists(path.join(dir, DONE))) return out;
    const staging = `${dir}.staging-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await build({
      configFile: path.join(ROOT, 'renderer/vite.config.ts'),
      logLevel: 'error',
      build: { outDir: path.join(staging, 'renderer'), emptyOutDir: true },
    });
    await writeFile(path.join(staging, DONE), new Date().toISOString());
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    await pruneOthers(key);
    return out;
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** mkdir is atomic: whoever creates the lock builds. A lock left by a killed run is taken over. */
async function takeLock(lock: string): Promise<boolean> {
  try {
    await mkdir(lock);
    return true;
  } catch {
    const age = Date.now() - ((await stat(lock).catch(() => undefined))?.mtimeMs ?? Date.now());
    if (age > LOCK_STALE_MS) await rm(lock, { recursive: true, force: true });
    return false;
  }
}

async function inputsHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const input of INPUTS) {
    for (const file of await filesUnder(path.join(ROOT, input))) {
      hash
        .update(path.relative(ROOT, file))
        .update('\0')
        .update(await readFile(file))
        .update('\0');
    }
  }
  return hash.digest('hex').slice(0, 16);
}

async function filesUnder(p: string): Promise<string[]> {
  const s = await stat(p).catch(() => undefined);
  if (!s) return [];
  if (s.isFile()) return [p];
  const entries = await readdir(p, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((e) => e.name !== 'node_modules' && !e.name.startsWith('.'))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((e) => filesUnder(path.join(p, e.name))),
  );
  return nested.flat();
}

/** Builds older than an hour go once a new one is complete (a run still serving one is that young). */
async function pruneOthers(key: string): Promise<void> {
  for (const name of await readdir(CACHE).catch(() => [])) {
    if (name === key || name.includes('.')) continue;
    const built = await stat(path.join(CACHE, name, DONE)).catch(() => undefined);
    if (built && Date.now() - built.mtimeMs > 3_600_000)
      await rm(path.join(CACHE, name), { recursive: true, force: true });
  }
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );
