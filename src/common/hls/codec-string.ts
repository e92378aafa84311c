/**
 * RFC 6381 CODECS values from the encoded streams themselves: the parameter sets as ffmpeg's
 * `trace_headers` bitstream filter prints them (`[trace_headers @ 0x…] 8 profile_idc 01100100 = 100`).
 * ffprobe's profile names are not enough: the constraint flags are part of the string.
 */
interface TraceField {
  name: string;
  bits: string;
  value: number;
}

export function parseTraceHeaders(stderr: string): TraceField[] {
  const fields: TraceField[] = [];
  for (const line of stderr.split('\n')) {
    const m = /\]\s+\d+\s+(\S+)\s+([01]+)\s+=\s+(-?\d+)\s*$/.exec(line);
    if (m) fields.push({ name: m[1]!, bits: m[2]!, value: Number(m[3]) });
  }
  return fields;
}

/** avc1.PPCCLL: profile_idc, constraint_set0..5 flags, level_idc (RFC 6381 3.3). */
export function avcCodecString(fields: TraceField[]): string | undefined {
  const get = (name: string) => fields.find((f) => f.name === name)?.value;
  const profile = get('profile_idc');
  const level = get('level_idc');
  if (profile === undefined || level === undefined) return undefined;
  let constraints = 0;
  for (let i = 0; i <= 5; i++) constraints |= (get(`constraint_set${i}_flag`) ?? 0) << (7 - i);
  return `avc1.${hex2(profile)}${hex2(constraints)}${hex2(level)}`;
}

/** hvc1.[space]profile.compat.Ttier-level.constraints (ISO/IEC 14496-15 E.3), from the first profile_tier_level. */
export function hevcCodecString(
  fields: TraceField[],
  sampleEntry: 'hvc1' | 'hev1' = 'hvc1',
): string | undefined {
  const start = fields.findIndex((f) => f.name === 'general_profile_space');
  if (start < 0) return undefined;
  const ptl = fields.slice(start);
  const get = (name: string) => ptl.find((f) => f.name === name)?.value;
  const profile = get('general_profile_idc');
  const level = get('general_level_idc');
  if (profile === undefined || level === undefined) return undefined;
  const space = ['', 'A', 'B', 'C'][get('general_profile_space') ?? 0] ?? '';
  let compat = 0;
  for (let j = 0; j < 32; j++) compat |= (get(`general_profile_compatibility_flag[${j}]`) ?? 0) << j;
  // The 48 constraint bits run from general_progressive_source_flag to just before general_level_idc.
  const from = ptl.findIndex((f) => f.name === 'general_progressive_source_flag');
  const to = ptl.findIndex((f) => f.name === 'general_level_idc');
  const bits = ptl
    .slice(from, to)
    .map((f) => f.bits)
    .join('')
    .padEnd(48, '0')
    .slice(0, 48);
  const bytes = Array.from({ length: 6 }, (_, i) => parseInt(bits.slice(i * 8, i * 8 + 8), 2));
  while (bytes.length > 0 && bytes[bytes.length - 1] === 0) bytes.pop();
  const tier = get('general_tier_flag') ? 'H' : 'L';
  const parts = [
    `${sampleEntry}`,
    `${space}${profile}`,
    (compat >>> 0).toString(16).toUpperCase(),
    `${tier}${level}`,
  ];
  return [...parts, ...bytes.map((b) => b.toString(16).toUpperCase())].join('.');
}

/** mp4a.40.N from ffprobe's AAC profile name (ISO/IEC 14496-3 audio object types). */
export function aacCodecString(profile: string | undefined): string {
  switch (profile) {
    case 'HE-AAC':
      return 'mp4a.40.5';
    case 'HE-AACv2':
      return 'mp4a.40.29';
    default:
      return 'mp4a.40.2';
  }
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}
