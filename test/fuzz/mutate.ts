/**
 * Deterministic damage to media files: the mutations a fuzz run applies to good clips. Everything comes
 * from one seeded generator, so a seed names a run and any finding can be made again byte for byte.
 */
import { seededRandom } from '../helpers/fault-proxy.js';

export { seededRandom };

export const MUTATIONS = [
  'flip', // a few random bytes changed anywhere
  'flip-head', // bytes changed in the first 4 KB, where containers keep their headers
  'truncate', // cut at a random point
  'zero-block', // one aligned 4 KB block zeroed
  'header-only', // only the first few hundred bytes
  'splice', // a block of the file copied over another place
  'garbage-tail', // random bytes appended
] as const;
export type Mutation = (typeof MUTATIONS)[number];

export interface Mutated {
  bytes: Buffer;
  /** What was done, precise enough to repeat by hand ("flip 3 bytes at 120, 5512, 9000"). */
  detail: string;
}

const BLOCK = 4096;

export function mutate(base: Buffer, mutation: Mutation, random: () => number): Mutated {
  const pick = (limit: number) => Math.floor(random() * Math.max(1, limit));
  const bytes = Buffer.from(base);
  switch (mutation) {
    case 'flip':
    case 'flip-head': {
      const span = mutation === 'flip-head' ? Math.min(BLOCK, bytes.length) : bytes.length;
      const count = 1 + pick(8);
      const offsets = Array.from({ length: count }, () => pick(span)).sort((a, b) => a - b);
      for (const offset of offsets) bytes[offset] = (bytes[offset]! ^ (1 + pick(255))) & 0xff;
      return { bytes, detail: `${mutation} ${count} byte(s) at ${offsets.join(', ')}` };
    }
    case 'truncate': {
      const at = pick(bytes.length);
      return { bytes: bytes.subarray(0, at), detail: `truncate at ${at} of ${bytes.length}` };
    }
    case 'zero-block': {
      const blocks = Math.max(1, Math.ceil(bytes.length / BLOCK));
      const start = pick(blocks) * BLOCK;
      bytes.fill(0, start, Math.min(bytes.length, start + BLOCK));
      return { bytes, detail: `zero-block at ${start}` };
    }
    case 'header-only': {
      const at = Math.min(bytes.length, 16 + pick(1024));
      return { bytes: bytes.subarray(0, at), detail: `header-only ${at} bytes` };
    }
    case 'splice': {
      const length = 1 + pick(Math.min(BLOCK, bytes.length / 4));
      const from = pick(bytes.length - length);
      const to = pick(bytes.length - length);
      bytes.copy(bytes, to, from, from + length);
      return { bytes, detail: `splice ${length} bytes from ${from} to ${to}` };
    }
    case 'garbage-tail': {
      const length = 1 + pick(64 * 1024);
      const tail = Buffer.alloc(length);
      for (let i = 0; i < length; i++) tail[i] = pick(256);
      return { bytes: Buffer.concat([bytes, tail]), detail: `garbage-tail ${length} bytes` };
    }
  }
}

export interface Mutant extends Mutated {
  /** The file name it is written under: the base's name with a serial number, extension kept. */
  name: string;
  base: string;
  mutation: Mutation;
}

/** `count` mutants of each base, mutations in turn, all from one seed. */
export function makeMutants(
  bases: Array<{ name: string; bytes: Buffer }>,
  count: number,
  seed: number,
): Mutant[] {
  const random = seededRandom(seed);
  const mutants: Mutant[] = [];
  for (const base of bases) {
    const dot = base.name.lastIndexOf('.');
    const stem = base.name.slice(0, dot);
    const ext = base.name.slice(dot);
    for (let i = 0; i < count; i++) {
      const mutation = MUTATIONS[i % MUTATIONS.length]!;
      const done = mutate(base.bytes, mutation, random);
      const serial = String(i).padStart(3, '0');
      mutants.push({ ...done, name: `${stem}-${serial}-${mutation}${ext}`, base: base.name, mutation });
    }
  }
  return mutants;
}
