import { z } from 'zod';
import type { CredentialStorageInfo } from '../../common/api/studio-api.js';
import { StudioError } from '../../common/errors.js';
import { readStateFile, writeStateFile } from '../state/state-file.js';
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
  /** Every read-modify-write waits for the one before: two saves never lose each other's entry. */
  private queue: Promise<unknown> = Promise.resolve();

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
    // Fixed messages only: an error text quoting the decrypted bytes would carry the secret along.
    const unreadable = () =>
      new StudioError(
        'PUBLISH_AUTH',
        `the saved credentials of "${name}" cannot be decrypted (was the OS keyring reset?): enter them again`,
      );
    let plain: string;
    try {
      plain = this.cipher.decrypt(Buffer.from(entries[name]!, 'base64'));
    } catch {
      throw unreadable();
    }
    let json: unknown;
    try {
      json = JSON.parse(plain);
    } catch {
      throw unreadable();
    }
    const parsed = credentialsSchema.safeParse(json);
    if (!parsed.success) throw unreadable();
    return parsed.data;
  }

  /** Saves credentials; `allowPlainText` is the user's consent when there is no keyring to encrypt with. */
  set(name: string, credentials: StaticCredentials, allowPlainText = false): Promise<void> {
    const info = this.cipher.info();
    if (!info.available) return Promise.reject(new StudioError('PUBLISH_CONFIG', info.note));
    if (info.plainText && !allowPlainText)
      return Promise.reject(
        new StudioError(
          'PUBLISH_CONFIG',
          'there is no keyring to encrypt the credentials with (safeStorage backend basic_text): ' +
            'confirm that they may be stored obfuscated only, or use the AWS credential chain',
        ),
      );
    const parsed = credentialsSchema.safeParse(credentials);
    if (!parsed.success)
      return Promise.reject(
        new StudioError('INVALID_ARGUMENT', 'an access key id and a secret key are needed'),
      );
    return this.change((entries) => {
      entries[name] = this.cipher.encrypt(JSON.stringify(parsed.data)).toString('base64');
    });
  }

  delete(name: string): Promise<void> {
    return this.change((entries) => {
      delete entries[name];
    });
  }

  rename(from: string, to: string): Promise<void> {
    return this.change((entries) => {
      if (!Object.hasOwn(entries, from) || from === to) return;
      entries[to] = entries[from]!;
      delete entries[from];
    });
  }

  private change(edit: (entries: Record<string, string>) => void): Promise<void> {
    const next = this.queue.then(async () => {
      const entries = await this.entries();
      const before = JSON.stringify(entries);
      edit(entries);
      if (JSON.stringify(entries) !== before) await writeStateFile(this.file, { version: 1, entries });
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async entries(): Promise<Record<string, string>> {
    const read = await readStateFile(this.file, vaultSchema);
    // A damaged file is reported without quoting it (its bytes are secrets, obfuscated at best).
    if (read.problem && !read.value)
      throw new StudioError(
        'PUBLISH_CONFIG',
        `${this.file} is damaged and has no usable backup: delete it and enter the credentials again`,
      );
    return { ...(read.value?.entries ?? {}) };
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
