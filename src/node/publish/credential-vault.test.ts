import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../../../test/helpers/clips.js';
import { createTestCipher } from '../../../test/helpers/test-cipher.js';
import { CredentialVault } from './credential-vault.js';

const creds = (secret: string) => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: secret });

describe('the credential vault', () => {
  it('keeps every entry when saves overlap, and stores no secret in the clear', async () => {
    const file = path.join(await scratchDir('vault-'), 'credentials.json');
    const vault = new CredentialVault(file, createTestCipher());
    await Promise.all(['a', 'b', 'c', 'd'].map((name) => vault.set(name, creds(`secret-of-${name}`))));
    for (const name of ['a', 'b', 'c', 'd'])
      expect(await vault.get(name)).toEqual(creds(`secret-of-${name}`));
    expect(await readFile(file, 'utf8')).not.toMatch(/secret-of/);
    await vault.rename('a', 'z');
    await vault.delete('b');
    expect(await vault.has('a')).toBe(false);
    expect(await vault.get('z')).toEqual(creds('secret-of-a'));
    expect(await vault.has('b')).toBe(false);
  });

  it('a damaged file gives a fixed message that quotes none of its bytes', async () => {
    const dir = await scratchDir('vault-bad-');
    const file = path.join(dir, 'credentials.json');
    await writeFile(file, '{"version":1,"entries":{"x":"CANARYCIPHERTEXT');
    const vault = new CredentialVault(file, createTestCipher());
    const error = await vault.has('x').catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/damaged/);
    expect((error as Error).message).not.toContain('CANARY');
  });

  it('entries another keyring wrote cannot be read back, and say so without their content', async () => {
    const file = path.join(await scratchDir('vault-other-'), 'credentials.json');
    await new CredentialVault(file, createTestCipher()).set('x', creds('CANARY-SECRET'));
    const error = await new CredentialVault(file, createTestCipher()).get('x').catch((e: Error) => e);
    expect((error as Error).message).toMatch(/cannot be decrypted/);
    expect((error as Error).message).not.toContain('CANARY');
  });

  it('refuses to store without a keyring unless the user agreed', async () => {
    const file = path.join(await scratchDir('vault-plain-'), 'credentials.json');
    const vault = new CredentialVault(file, createTestCipher('basic_text'));
    await expect(vault.set('x', creds('s'))).rejects.toThrow(/basic_text/);
    await vault.set('x', creds('s'), true);
    expect(await vault.get('x')).toEqual(creds('s'));
  });
});
