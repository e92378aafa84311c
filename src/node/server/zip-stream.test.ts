import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../../../test/helpers/clips.js';
import { readZip } from '../../../test/e2e/studio-polish-zip-reader.js';
import { folderEntries, zipSize, zipStream, type ZipEntry } from './zip-stream.js';

async function zipOf(entries: ZipEntry[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of zipStream(entries)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function samplePackage(): Promise<string> {
  const dir = path.join(await scratchDir('zip-'), 'Été clip');
  await mkdir(path.join(dir, 'v0'), { recursive: true });
  await writeFile(path.join(dir, 'master.m3u8'), '#EXTM3U\n');
  await writeFile(path.join(dir, 'v0', 'index.m3u8'), '#EXTM3U\n#EXT-X-ENDLIST\n');
  await writeFile(path.join(dir, 'v0', 'seg_00000.ts'), Buffer.alloc(300_000, 0x47));
  await writeFile(path.join(dir, 'v0', 'empty.vtt'), '');
  return dir;
}

describe('store-only ZIP writer', () => {
  it('writes every file of a folder under its name, byte for byte, with CRC-32s that check', async () => {
    const dir = await samplePackage();
    const entries = await folderEntries(dir);
    expect(entries.map((e) => e.name)).toEqual([
      'Été clip/master.m3u8',
      'Été clip/v0/empty.vtt',
      'Été clip/v0/index.m3u8',
      'Été clip/v0/seg_00000.ts',
    ]);
    const zip = await zipOf(entries);
    // The length promised up front (the download's Content-Length) is the length written.
    expect(zip.length).toBe(zipSize(entries));
    const read = readZip(zip);
    expect(read.map((e) => e.name)).toEqual(entries.map((e) => e.name));
    for (const e of read) {
      expect(e.crcOk, e.name).toBe(true);
      expect(e.flags & 0x0800, 'UTF-8 names flagged').toBe(0x0800);
    }
    expect(read[3]!.data.equals(Buffer.alloc(300_000, 0x47))).toBe(true);
    expect(read[1]!.data.length).toBe(0);
  });

  it('unzip (Info-ZIP) tests the archive clean, where it is installed', async () => {
    if (!existsSync('/usr/bin/unzip')) return;
    const dir = await samplePackage();
    const file = path.join(path.dirname(dir), 'out.zip');
    await writeFile(file, await zipOf(await folderEntries(dir)));
    const { stdout } = await promisify(execFile)('/usr/bin/unzip', ['-t', file]);
    expect(stdout).toContain('No errors detected');
  });

  it('refuses, before writing a byte, what would need ZIP64 (4 GiB and more)', () => {
    const big: ZipEntry = { name: 'p/seg.ts', absPath: '/nope', size: 3 * 2 ** 30, mtime: new Date() };
    expect(() => zipSize([big, { ...big, name: 'p/seg2.ts' }])).toThrow(
      /6\.0 GiB: a download as \.zip stops at 4 GiB/,
    );
  });

  it('a file that grew after it was listed fails the stream instead of writing a corrupt archive', async () => {
    const dir = await samplePackage();
    const entries = await folderEntries(dir);
    await writeFile(path.join(dir, 'master.m3u8'), '#EXTM3U\n#EXT-X-VERSION:7\n');
    await expect(zipOf(entries)).rejects.toThrow(/master\.m3u8 changed while it was being zipped/);
  });
});
