import type { SecretCipher } from '../../src/node/publish/credential-vault.js';

/** The part of Electron's safeStorage this needs (so it can be tested without Electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(data: Buffer): string;
  getSelectedStorageBackend?(): string;
  setUsePlainTextEncryption?(usePlainText: boolean): void;
}

/**
 * safeStorage as the credential vault's cipher. On Linux without a keyring Electron's backend is
 * `basic_text` and encryption is unavailable until the app opts into a hard-coded key (obfuscation, not
 * encryption). The vault asks the user first (`plainText`), so the opt-in happens only when a secret
 * the user agreed to store that way is written or read back.
 */
export function safeStorageCipher(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform = process.platform,
): SecretCipher {
  const backend = () => (platform === 'linux' ? safeStorage.getSelectedStorageBackend?.() : undefined);
  const plainTextOnly = () => backend() === 'basic_text';
  const ready = () => {
    if (plainTextOnly() && !safeStorage.isEncryptionAvailable())
      safeStorage.setUsePlainTextEncryption?.(true);
  };
  return {
    info() {
      const name = backend();
      const plainText = name === 'basic_text';
      const available = plainText || safeStorage.isEncryptionAvailable();
      return {
        available,
        ...(name ? { backend: name } : {}),
        plainText,
        note: !available
          ? 'the OS keyring is not available: credentials cannot be saved; the AWS credential chain is used'
          : plainText
            ? 'no keyring (libsecret or kwallet) was found: saved secrets would only be obfuscated, not encrypted'
            : `credentials are encrypted with the OS keyring${name ? ` (${name})` : ''}`,
      };
    },
    encrypt(plain) {
      ready();
      return safeStorage.encryptString(plain);
    },
    decrypt(data) {
      ready();
      return safeStorage.decryptString(data);
    },
  };
}
