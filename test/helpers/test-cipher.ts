import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretCipher } from '../../src/node/publish/credential-vault.js';

/**
 * A stand-in for Electron's safeStorage in tests: AES-256-GCM with a key that lives only in this process
 * (as safeStorage's lives in the OS keyring). `backend: 'basic_text'` mimics Linux without a keyring.
 */
export function createTestCipher(backend = 'test_keyring'): SecretCipher {
  const key = randomBytes(32);
  return {
    info: () => ({
      available: true,
      backend,
      plainText: backend === 'basic_text',
      note:
        backend === 'basic_text'
          ? 'no keyring: secrets would be stored obfuscated only'
          : 'credentials are encrypted with the test keyring',
    }),
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(data) {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
