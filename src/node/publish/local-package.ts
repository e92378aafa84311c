import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../../common/errors.js';
import {
  headersFor,
  roleOf,
  type FileRole,
  type HeaderPolicy,
  type ObjectHeaders,
} from '../../common/publish/object-headers.js';
import { missingReferences, playlistUris, resolveInPackage } from '../../common/publish/playlist-refs.js';
import { digestFile } from './file-digest.js';
import { runLimited } from './upload-pool.js';
import { PACKAGE_NAMES } from '../../common/package/package-layout.js';

/** One file of a package as it will be published. */
export interface PublishFile {
  /** Relative to the package root, `/`-separated; keys are `../<name>.keys/key-N.key`. */
  relPath: string;
  absPath: string;
  bytes: number;
  /** Modification time when the package was read: a different one at upload time means the file changed. */
  mtimeMs: number;
  /** From video.json when it still describes the file, else hashed here. */
  sha256: string;
  role: FileRole;
  headers: ObjectHeaders;
}

export interface LocalPackage {
  dir: string;
  name: string;
  files: PublishFile[];
  /** The package's playlists use AES-128 keys. */
  encrypted: boolean;
  /** MUST rules the package already failed when it was made (video.json), so remote checks can compare. */
  localFailures: string[] | undefined;
  warnings: string[];
}

interface VideoJsonFiles {
  files?: { path: string; bytes: number; sha256: string }[];
  validation?: { failures?: { id: string; level: string }[] };
}

/**
 * Reads a package folder (and with `includeKeys` its `<name>.keys` folder beside it), with the size,
 * hash, role and headers of every file; refuses a folder that is not a package or whose playlists name
 * files that would not be published.
 */
export async function readLocalPackage(
  packageDir: string,
  options: { includeKeys: boolean; policy: HeaderPolicy },
): Promise<LocalPackage> {
  const dir = path.resolve(packageDir);
  const name = path.basename(dir);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory())
    throw new StudioError('FILE_NOT_FOUND', `${packageDir} is not a folder`, { file: packageDir });
  if (name.startsWith('.'))
    throw new StudioError('PACKAGE_INVALID', `${name} is a hidden (unfinished?) folder, not a package`);
  const relPaths = await listFiles(dir);
  if (!relPaths.includes(PACKAGE_NAMES.multivariantPlaylist))
    throw new StudioError(
      'PACKAGE_INVALID',
      `${packageDir} has no ${PACKAGE_NAMES.multivariantPlaylist}: not an HLS package`,
      {
        file: packageDir,
      },
    );

  const videoJson = await readVideoJson(dir);
  const listed = new Map((videoJson?.files ?? []).map((f) => [f.path, f]));
  const videoJsonTime = (await stat(path.join(dir, PACKAGE_NAMES.videoJson)).catch(() => undefined))?.mtimeMs;
  const add = async (relPath: string, absPath: string): Promise<PublishFile> => {
    const s = await stat(absPath);
    const known = listed.get(relPath);
    // Trust video.json's hash only while the file is the one it described (same size, not newer).
    const trusted =
      known && known.bytes === s.size && videoJsonTime !== undefined && s.mtimeMs <= videoJsonTime + 1;
    const sha256 = trusted ? known.sha256 : (await digestFile(absPath)).sha256;
    const role = roleOf(relPath);
    return {
      relPath,
      absPath,
      bytes: s.size,
      mtimeMs: s.mtimeMs,
      sha256,
      role,
      headers: headersFor(relPath, options.policy, role),
    };
  };
  // Parallel stats: thousands of files sequentially cost a noticeable share of an unchanged re-publish.
  const files: PublishFile[] = await runLimited(relPaths, 16, (rel) =>
    add(rel, path.join(dir, ...rel.split('/'))),
  );

  const keysDir = path.join(path.dirname(dir), `${name}.keys`);
  const keyFiles = await listFiles(keysDir).catch(() => [] as string[]);
  if (options.includeKeys) {
    if (keyFiles.length === 0)
      throw new StudioError('PUBLISH_CONFIG', `--include-keys: there is no keys folder ${keysDir}`);
    for (const rel of keyFiles)
      files.push(await add(`../${name}.keys/${rel}`, path.join(keysDir, ...rel.split('/'))));
  }

  const playlists = await Promise.all(
    files
      .filter((f) => f.relPath.endsWith('.m3u8'))
      .map(async (f) => ({ relPath: f.relPath, text: await readFile(f.absPath, 'utf8') })),
  );
  const encrypted = playlists.some((p) => /#EXT-X-KEY:METHOD=(AES-128|SAMPLE-AES)/.test(p.text));
  const warnings: string[] = [];
  const available = new Set(files.map((f) => f.relPath));
  const missing = missingReferences(playlists, available);
  const missingKeys = missing.filter((m) => m.resolved.endsWith('.key'));
  const missingOther = missing.filter((m) => !m.resolved.endsWith('.key'));
  if (missingOther.length)
    throw new StudioError(
      'PACKAGE_INVALID',
      `${missingOther.length} file(s) named by the playlists are not in the package, e.g. ` +
        `${missingOther[0]!.playlist} → ${missingOther[0]!.uri}`,
      { detail: missingOther.map((m) => `${m.playlist} → ${m.uri}`).join('\n') },
    );
  if (missingKeys.length && options.includeKeys)
    throw new StudioError(
      'PACKAGE_INVALID',
      `the playlists name keys that are not in ${keysDir}, e.g. ${missingKeys[0]!.uri}`,
    );
  if (encrypted && !options.includeKeys)
    warnings.push(
      keyFiles.length
        ? `the package is encrypted and its keys (${keysDir}) are not uploaded: serve them at the key URIs ` +
            'in the playlists, or publish with --include-keys'
        : 'the package is encrypted: its keys must be served at the key URIs in the playlists',
    );
  else if (options.includeKeys && !hasRelativeKeyUris(playlists))
    warnings.push('--include-keys: the playlists name their keys by absolute URL, not the uploaded copies');

  const localFailures = videoJson?.validation?.failures?.filter((f) => f.level === 'MUST').map((f) => f.id);
  return { dir, name, files, encrypted, localFailures, warnings };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return (
    entries
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
      // Hidden files and folders (staging, .DS_Store) are never part of a package.
      .filter((rel) => !rel.split('/').some((part) => part.startsWith('.')))
      .sort()
  );
}

async function readVideoJson(dir: string): Promise<VideoJsonFiles | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, PACKAGE_NAMES.videoJson), 'utf8')) as VideoJsonFiles;
  } catch {
    return undefined;
  }
}

function hasRelativeKeyUris(playlists: { relPath: string; text: string }[]): boolean {
  return playlists.some((p) =>
    playlistUris(p.text).some(
      (uri) => uri.endsWith('.key') && resolveInPackage(p.relPath, uri) !== undefined,
    ),
  );
}
