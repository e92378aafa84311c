import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../../common/errors.js';
import {
  parseTarget,
  targetNameProblem,
  targetsFileSchema,
  type S3TargetConfig,
} from '../../common/publish/publish-target.js';
import { configDir } from '../config-dir.js';
import { writeStateFile } from '../state/state-file.js';

const FILE_NAME = 'targets.json';

export function targetsFile(dir = configDir()): string {
  return path.join(dir, FILE_NAME);
}

/** Saved targets by name, as written (each is validated when used, so one bad entry spoils only itself). */
export async function loadTargets(dir = configDir()): Promise<Record<string, unknown>> {
  const file = targetsFile(dir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new StudioError('IO_ERROR', `cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StudioError('PUBLISH_CONFIG', `${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = targetsFileSchema.safeParse(json);
  if (!parsed.success)
    throw new StudioError('PUBLISH_CONFIG', `${file} is not a targets file`, {
      detail: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'),
    });
  return parsed.data.targets;
}

/** The saved target `name`, validated. */
export async function getTarget(name: string, dir = configDir()): Promise<S3TargetConfig> {
  const targets = await loadTargets(dir);
  if (!Object.hasOwn(targets, name))
    throw new StudioError(
      'PUBLISH_CONFIG',
      `no publish target named "${name}" in ${targetsFile(dir)} (see \`hls-studio targets list\`)`,
    );
  const parsed = parseTarget(targets[name]);
  if (!parsed.ok)
    throw new StudioError('PUBLISH_CONFIG', `target "${name}" is invalid: ${parsed.issues.join('; ')}`, {
      detail: parsed.issues.join('\n'),
    });
  return parsed.target;
}

/** Validates and saves a target under `name` (replacing one of that name). Secrets are refused by the schema. */
/** Read-modify-writes of targets.json, one at a time: two saves never lose each other's change. */
let writes: Promise<unknown> = Promise.resolve();
function serialised<T>(change: () => Promise<T>): Promise<T> {
  const next = writes.then(change);
  writes = next.catch(() => undefined);
  return next;
}

export async function saveTarget(name: string, target: unknown, dir = configDir()): Promise<S3TargetConfig> {
  const problem = targetNameProblem(name);
  if (problem) throw new StudioError('INVALID_ARGUMENT', `"${name}" is not a target name: ${problem}`);
  const parsed = parseTarget(target);
  if (!parsed.ok)
    throw new StudioError('PUBLISH_CONFIG', `target "${name}" is invalid: ${parsed.issues.join('; ')}`, {
      detail: parsed.issues.join('\n'),
    });
  await serialised(async () => {
    const targets = await loadTargets(dir);
    targets[name] = target;
    await writeTargets(dir, targets);
  });
  return parsed.target;
}

export function removeTarget(name: string, dir = configDir()): Promise<boolean> {
  return serialised(async () => {
    const targets = await loadTargets(dir);
    if (!Object.hasOwn(targets, name)) return false;
    delete targets[name];
    await writeTargets(dir, targets);
    return true;
  });
}

/** Written whole and renamed (with a backup), so a crash never leaves half a file. */
function writeTargets(dir: string, targets: Record<string, unknown>): Promise<void> {
  return writeStateFile(targetsFile(dir), { version: 1, targets });
}
