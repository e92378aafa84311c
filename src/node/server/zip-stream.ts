import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { StudioError } from '../../common/errors.js';

/** One file of an archive: its name inside it (`/`-separated) and where its bytes are. */
export interface ZipEntry {
  name: string;
  absPath: string;
  size: number;
  mtime: Date;
}

// APPNOTE.TXT 6.3.10: without ZIP64 every size and offset is 32 bits, and there are at most 65,535 entries.
const MAX_32 = 0xffffffff;
const MAX_ENTRIES = 0xffff;
const LOCAL_HEADER = 30;
const DATA_DESCRIPTOR = 16;
const CENTRAL_HEADER = 46;
const END_OF_CENTRAL_DIRECTORY = 22;
/** Bit 3: sizes and CRC follow the data (it is streamed once); bit 11: names are UTF-8. */
const FLAGS = 0x0008 | 0x0800;

/**
 * The byte length of the archive `zipStream` writes for these entries: known before a byte is read,
 * so a download has a Content-Length (and a progress bar). Throws when the archive would need ZIP64.
 */
export function zipSize(entries: ZipEntry[]): number {
  if (entries.length > MAX_ENTRIES)
    throw new StudioError(
      'INVALID_ARGUMENT',
      `${entries.length} files are more than a .zip without ZIP64 holds (65,535)`,
    );
  let offset = 0;
  let central = 0;
  for (const e of entries) {
    const name = Buffer.byteLength(e.name);
    if (e.size >= MAX_32 || offset >= MAX_32) throw tooLarge(entries);
    offset += LOCAL_HEADER + name + e.size + DATA_DESCRIPTOR;
    central += CENTRAL_HEADER + name;
  }
  if (offset + central >= MAX_32) throw tooLarge(entries);
  return offset + central + END_OF_CENTRAL_DIRECTORY;
}

function tooLarge(entries: ZipEntry[]): StudioError {
  const total = entries.reduce((sum, e) => sum + e.size, 0);
  return new StudioError(
    'INVALID_ARGUMENT',
    `the package is ${(total / 2 ** 30).toFixed(1)} GiB: a download as .zip stops at 4 GiB ` +
      '(ZIP64 is not written); copy its folder instead',
  );
}

/**
 * A store-only (uncompressed: segments are compressed already) ZIP archive of `entries`, streamed: each
 * file is read once, its CRC-32 computed on the way and written after it (a data descriptor).
 * A file whose size changed since it was listed fails the stream rather than write a corrupt archive.
 */
export async function* zipStream(entries: ZipEntry[], signal?: AbortSignal): AsyncGenerator<Buffer> {
  zipSize(entries);
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    signal?.throwIfAborted();
    const name = Buffer.from(entry.name, 'utf8');
    const { time, date } = dosDateTime(entry.mtime);
    const local = Buffer.alloc(LOCAL_HEADER);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(FLAGS, 6);
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    // CRC and sizes (14..25) stay 0: bit 3 puts them in the data descriptor.
    local.writeUInt16LE(name.length, 26);
    yield Buffer.concat([local, name]);

    let crc = 0;
    let size = 0;
    for await (const chunk of createReadStream(entry.absPath, signal ? { signal } : {})) {
      const bytes = chunk as Buffer;
      crc = crc32(bytes, crc);
      size += bytes.length;
      if (size > entry.size) break;
      yield bytes;
    }
    if (size !== entry.size)
      throw new StudioError('IO_ERROR', `${entry.name} changed while it was being zipped`);

    const descriptor = Buffer.alloc(DATA_DESCRIPTOR);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(crc, 4);
    descriptor.writeUInt32LE(size, 8);
    descriptor.writeUInt32LE(size, 12);
    yield descriptor;

    const header = Buffer.alloc(CENTRAL_HEADER);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(0x0314, 4); // made by: Unix, 2.0
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(FLAGS, 8);
    header.writeUInt16LE(0, 10);
    header.writeUInt16LE(time, 12);
    header.writeUInt16LE(date, 14);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(size, 20);
    header.writeUInt32LE(size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: a regular file, rw-r--r--
    header.writeUInt32LE(offset, 42);
    central.push(header, name);
    offset += LOCAL_HEADER + name.length + size + DATA_DESCRIPTOR;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(END_OF_CENTRAL_DIRECTORY);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  yield Buffer.concat([directory, end]);
}

/** Every file under `dir`, named `<folder>/<relative path>` (so the archive unpacks into one folder), sorted. */
export async function folderEntries(dir: string, folder = path.basename(dir)): Promise<ZipEntry[]> {
  const found = await readdir(dir, { recursive: true, withFileTypes: true });
  const entries = await Promise.all(
    found
      .filter((e) => e.isFile())
      .map(async (e) => {
        const absPath = path.join(e.parentPath, e.name);
        const info = await stat(absPath);
        const rel = path.relative(dir, absPath).split(path.sep).join('/');
        return { name: `${folder}/${rel}`, absPath, size: info.size, mtime: info.mtime };
      }),
  );
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** MS-DOS date and time (local time, 2-second steps, 1980..2107), as ZIP headers keep them. */
function dosDateTime(when: Date): { time: number; date: number } {
  const year = Math.min(2107, Math.max(1980, when.getFullYear()));
  return {
    time: (when.getHours() << 11) | (when.getMinutes() << 5) | Math.floor(when.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((when.getMonth() + 1) << 5) | when.getDate(),
  };
}
