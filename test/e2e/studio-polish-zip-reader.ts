import { crc32 } from 'node:zlib';

export interface ReadZipEntry {
  name: string;
  data: Buffer;
  /** The CRC-32 in the central directory matches the stored bytes. */
  crcOk: boolean;
  flags: number;
}

/**
 * Reads a store-only .zip the way an unzip tool does, independently of the writer: from the end of
 * central directory record to each central header, then to each local header and its data.
 */
export function readZip(zip: Buffer): ReadZipEntry[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0 || zip.length - end !== 22) throw new Error('no end of central directory record');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  if (at + zip.readUInt32LE(end + 12) !== end) throw new Error('central directory size/offset mismatch');
  const entries: ReadZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central header ${i}`);
    const flags = zip.readUInt16LE(at + 8);
    if (zip.readUInt16LE(at + 10) !== 0) throw new Error('not stored');
    const crc = zip.readUInt32LE(at + 16);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const localName = zip.subarray(local + 30, local + 30 + zip.readUInt16LE(local + 26)).toString('utf8');
    if (localName !== name) throw new Error(`${name}: local header names ${localName}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    entries.push({ name, data, crcOk: crc32(data) === crc, flags });
    at += 46 + nameLength + extra;
  }
  return entries;
}
