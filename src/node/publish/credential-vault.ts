import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { CredentialStorageInfo } from '../../common/api/studio-api.js';
import { StudioError } from '../../common/errors.js';
import type { StaticCredentials } from './s3-client.js';

/**
 * Encrypts secrets for storage at rest. The desktop app's is Electron's safeStorage (Keychain, DPAPI,
 * libsecret/kwallet), so the key never leaves the OS's keyring; nothing else in the engine can decrypt.
 */
export interface SecretCipher {
  info(): CredentialStorageInfo;
  encrypt(plain: string): Buffer;
  decrypt(data: Buffer): string;
}

const vaultSchema = z.strictObject({
  version: z.literal(1),
  /** Target name → base64 of the cipher's output. */
  entries: z.record(z.string(), z.string()),
});

const credentialsSchema = z.strictObject({
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  sessionToken: z.string().min(1).optional(),
});

/**
 * Publish credentials by target name, encrypted with the cipher, in one file of the config folder.
 * Only the main process holds it: the API says whether a target has credentials, never what they are.
 */
export class CredentialVault {
  constructor(
    private readonly file: string,
    private readonly cipher: SecretCipher,
  ) {}

  info(): CredentialStorageInfo {
    return this.cipher.info();
  }

  async has(name: string): Promise<boolean> {
    return Object.hasOwn(await this.entries(), name);
  }

  async get(name: string): Promise<StaticCredentials | undefined> {
    const entries = await this.entries();
    if (!Object.hasOwn(entries, name)) return undefined;
    let plain: string;
    try {
      plain = this.cipher.decrypt(Buffer.from(entries[name]!, 'base64'));
    } catch {
      throw new StudioError(
        'PUBLISH_AUTH',
        `the saved credentials of "${name}" cannot be decrypted (was the OS keyring reset?): enter them again`,
      );
    }
    return credentialsSchema.parse(JSON.parse(plain));
  }

  /** Saves credentials; `allowPlainText` is the user's consent when there is no keyring to encrypt with. */
  async set(name: string, credentials: StaticCredentials, allowPlainText = false): Promise<void> {
    const info = this.cipher.info();
    if (!info.available) throw new StudioError('PUBLISH_CONFIG', info.note);
    if (info.plainText && !allowPlainText)
      throw new StudioError(
        'PUBLISH_CONFIG',
        'there is no keyring to encrypt the credentials with (safeStorage backend basic_text): ' +
          'confirm that they may be stored obfuscated only, or use the AWS credential chain',
      );
    const entries = await this.entries();
    entries[name] = this.cipher
      .encrypt(JSON.stringify(credentialsSchema.parse(credentials)))
      .toString('base64');
    await this.write(entries);
  }

  async delete(name: string): Promise<void> {
    const entries = await this.entries();
    if (!Object.hasOwn(entries, name)) return;
    delete entries[name];
    await this.write(entries);
  }

  async rename(from: string, to: string): Promise<void> {
    const entries = await this.entries();
    if (!Object.hasOwn(entries, from) || from === to) return;
    entries[to] = entries[from]!;
    delete entries[from];
    await this.write(entries);
  }

  private async entries(): Promise<Record<string, string>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new StudioError('IO_ERROR', `cannot read ${this.file}: ${(error as Error).message}`);
    }
    const parsed = vaultSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new StudioError('PUBLISH_CONFIG', `${this.file} is not a credentials file`);
    return { ...parsed.data.entries };
  }

  private async write(entries: Record<string, string>): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ version: 1, entries }, null, 2) + '\n', { mode: 0o600 });
    await rename(temp, this.file);
  }
}

/** Browser mode and the CLI: nothing is stored; the AWS chain of the server's user is used. */
export const NO_SECRET_STORAGE: SecretCipher = {
  info: () => ({
    available: false,
    plainText: false,
    note:
      'credentials are not stored here: the standard AWS credential chain of the user running the server is used ' +
      '(AWS_PROFILE / ~/.aws, SSO, env AWS_ACCESS_KEY_ID or S3_ACCESS_KEY_ID)',
  }),
  encrypt: () => {
    throw new StudioError('PUBLISH_CONFIG', 'credentials cannot be stored in browser mode');
  },
  decrypt: () => {
    throw new StudioError('PUBLISH_CONFIG', 'credentials cannot be stored in browser mode');
  },
};
