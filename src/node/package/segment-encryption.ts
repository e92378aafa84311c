import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { keyFileName, keyUri } from '../../common/hls/key-schedule.js';
import type { KeyReference } from '../../common/package/package-model.js';
import type { EncryptionPlan } from '../../common/plan/encode-plan.js';

/** A file of the package to encrypt, and the key (by index) that encrypts it. */
export interface FileToEncrypt {
  /** Path from the package root. */
  path: string;
  keyIndex: number;
}

/**
 * AES-128 whole-segment encryption (RFC 8216 5.2: CBC, PKCS7 padding). Keys come from the system's
 * cryptographic RNG, each with its own random IV (written in EXT-X-KEY by the playlist writer); they go
 * to `keysDir`, outside the package folder, so they are never published with it unless someone asks.
 * Returns what the playlists name: each key's URI and IV.
 */
export async function encryptFiles(
  packageDir: string,
  keysDir: string,
  packageName: string,
  files: FileToEncrypt[],
  plan: EncryptionPlan,
): Promise<KeyReference[]> {
  const keyCount = Math.max(1, ...files.map((f) => f.keyIndex + 1));
  await mkdir(keysDir, { recursive: true });
  const keys: { key: Buffer; iv: Buffer; uri: string }[] = [];
  for (let n = 0; n < keyCount; n++) {
    const key = {
      key: randomBytes(16),
      iv: randomBytes(16),
      uri: keyUri(plan.keyUriTemplate, n, packageName),
    };
    await writeFile(path.join(keysDir, keyFileName(n)), key.key, { mode: 0o600 });
    keys.push(key);
  }
  for (const f of files) {
    const k = keys[f.keyIndex]!;
    const file = path.join(packageDir, f.path);
    const cipher = createCipheriv('aes-128-cbc', k.key, k.iv);
    await writeFile(file, Buffer.concat([cipher.update(await readFile(file)), cipher.final()]));
  }
  return keys.map((k) => ({ uri: k.uri, iv: k.iv.toString('hex') }));
}
