import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { insertKeyTags, keyFileName, keyIndexFor, keyUri } from '../../common/hls/key-schedule.js';
import type { EncryptionPlan } from '../../common/plan/encode-plan.js';

export interface ContentKey {
  index: number;
  key: Buffer;
  iv: Buffer;
  uri: string;
  file: string;
}

/** A playlist to encrypt: its path in the package, and the package paths of its segments in order. */
export interface PlaylistToEncrypt {
  uri: string;
  /** Segment index (for the key schedule) of each file the playlist names, in order. */
  files: { uri: string; segmentIndex: number }[];
}

/**
 * AES-128 whole-segment encryption (RFC 8216 5.2: CBC, PKCS7 padding). Keys come from the system's
 * cryptographic RNG, each with its own random IV written in EXT-X-KEY; they are written to `keysDir`,
 * outside the package folder, so they are never published with it unless someone asks.
 */
export async function encryptPackage(
  packageDir: string,
  keysDir: string,
  packageName: string,
  playlists: PlaylistToEncrypt[],
  plan: EncryptionPlan,
): Promise<ContentKey[]> {
  const segmentCount = Math.max(1, ...playlists.flatMap((p) => p.files.map((f) => f.segmentIndex + 1)));
  const keyCount = keyIndexFor(segmentCount - 1, plan.rotateEverySegments) + 1;
  await mkdir(keysDir, { recursive: true });
  const keys: ContentKey[] = [];
  for (let n = 0; n < keyCount; n++) {
    const key: ContentKey = {
      index: n,
      key: randomBytes(16),
      iv: randomBytes(16),
      uri: keyUri(plan.keyUriTemplate, n, packageName),
      file: path.join(keysDir, keyFileName(n)),
    };
    await writeFile(key.file, key.key, { mode: 0o600 });
    keys.push(key);
  }
  const keyLine = (n: number) =>
    `#EXT-X-KEY:METHOD=AES-128,URI="${keys[n]!.uri}",IV=0x${keys[n]!.iv.toString('hex')}`;
  for (const playlist of playlists) {
    for (const f of playlist.files) {
      const k = keys[keyIndexFor(f.segmentIndex, plan.rotateEverySegments)]!;
      const file = path.join(packageDir, f.uri);
      const cipher = createCipheriv('aes-128-cbc', k.key, k.iv);
      await writeFile(file, Buffer.concat([cipher.update(await readFile(file)), cipher.final()]));
    }
    const playlistFile = path.join(packageDir, playlist.uri);
    const text = await readFile(playlistFile, 'utf8');
    const bySegment = playlist.files.map((f) => keyIndexFor(f.segmentIndex, plan.rotateEverySegments));
    await writeFile(
      playlistFile,
      insertKeyTags(text, (i) => bySegment[i] ?? 0, keyLine),
    );
  }
  return keys;
}
