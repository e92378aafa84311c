import { describe, expect, it } from 'vitest';
import { safeStorageCipher } from './safe-storage-cipher.js';

const fake = (backend: string, available = true) => ({
  isEncryptionAvailable: () => available,
  encryptString: (s: string) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a)),
  decryptString: (b: Buffer) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString(),
  getSelectedStorageBackend: () => backend,
});

describe('safeStorage as the credential cipher', () => {
  it('reports a keyring backend as encrypted', () => {
    const info = safeStorageCipher(fake('gnome_libsecret'), 'linux').info();
    expect(info).toMatchObject({ available: true, plainText: false, backend: 'gnome_libsecret' });
  });

  it('flags basic_text on Linux as plain text, so the UI asks first', () => {
    const info = safeStorageCipher(fake('basic_text'), 'linux').info();
    expect(info.plainText).toBe(true);
    expect(info.note).toMatch(/obfuscated/);
  });

  it('basic_text without a keyring (Electron: encryption unavailable) opts into plain text only when writing', () => {
    let plain = false;
    const storage = {
      ...fake('basic_text', false),
      isEncryptionAvailable: () => plain,
      setUsePlainTextEncryption: (on: boolean) => void (plain = on),
    };
    const cipher = safeStorageCipher(storage, 'linux');
    expect(cipher.info()).toMatchObject({ available: true, plainText: true });
    expect(plain).toBe(false); // asking is not consenting
    expect(cipher.decrypt(cipher.encrypt('canary'))).toBe('canary');
    expect(plain).toBe(true);
  });

  it('ignores the backend name off Linux and round-trips through safeStorage', () => {
    const cipher = safeStorageCipher(fake('basic_text'), 'darwin');
    expect(cipher.info().plainText).toBe(false);
    expect(cipher.decrypt(cipher.encrypt('canary'))).toBe('canary');
  });

  it('says so when there is no encryption at all', () => {
    expect(safeStorageCipher(fake('unknown', false), 'linux').info().available).toBe(false);
  });
});
