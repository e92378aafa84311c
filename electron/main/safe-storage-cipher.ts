import type { SecretCipher } from '../../src/node/publish/credential-vault.js';

/** The part of Electron's safeStorage this needs (so it can be tested without Electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(data: Buffer): string;
  getSelectedStorageBackend?(): string;
}

/**
 * safeStorage as the credential vault's cipher. On Linux without a keyring Electron falls back to
 * `basic_text` (a hard-coded key: obfuscation, not encryption); the UI then asks before saving.
 */
export function safeStorageCipher(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform = process.platform,
): SecretCipher {
  return {
    info() {
      const available = safeStorage.isEncryptionAvailable();
      const backend = platform === 'linux' ? safeStorage.getSelectedStorageBackend?.() : undefined;
      const plainText = backend === 'basic_text';
      return {
        available,
        ...(backend ? { backend } : {}),
        plainText,
        note: !available
          ? 'the OS keyring is not available: credentials cannot be saved; the AWS credential chain is used'
          : plainText
            ? 'no keyring (libsecret or kwallet) was found: saved secrets would only be obfuscated, not encrypted'
            : `credentials are encrypted with the OS keyring${backend ? ` (${backend})` : ''}`,
      };
    },
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (data) => safeStorage.decryptString(data),
  };
}
