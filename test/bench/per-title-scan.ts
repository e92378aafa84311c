/**
 * What sampling the per-title scene scan costs and changes (docs/per-title.md, "Cost"): the analysis of
 * one source with the sampled scan or with the whole source decoded. Run both modes one after the other
 * under /usr/bin/time for their CPU seconds (ffmpeg children included):
 *
 *   /usr/bin/time -f '%U user %S sys %e wall' npx tsx test/bench/per-title-scan.ts <source> sampled
 *   /usr/bin/time -f '%U user %S sys %e wall' npx tsx test/bench/per-title-scan.ts <source> whole
 */
import { loadPreset } from '../../src/node/presets/preset-store.js';
import { analyzePerTitle } from '../../src/node/per-title/per-title-analysis.js';
import { probeSource } from '../../src/node/probe/probe-source.js';

const [file, mode = 'sampled', presetId = 'web-compact'] = process.argv.slice(2);
if (!file || (mode !== 'sampled' && mode !== 'whole'))
  throw new Error('usage: per-title-scan.ts <source> sampled|whole [preset]');
const info = await probeSource(file);
const r = await analyzePerTitle(info, await loadPreset(presetId), {}, { wholeScan: mode === 'whole' });
console.log(
  `${mode} scan: ${r.elapsedSec} s wall (scan ${r.scenes.scanSec} s); ` +
    `scanned ${r.scenes.scanned.stretches} stretch(es), ${r.scenes.scanned.seconds} s; ` +
    `windows at ${r.windows.map((w) => w.startSec).join(', ')} s; ` +
    `rungs ${r.rungs.map((x) => `${x.width}x${x.height}@${x.bitrateKbps}`).join(' ')}; ` +
    `predicted PSNR ${r.predictedPsnr.join(' / ')}`,
);
for (const p of r.points) console.log(`  ${p.width}x${p.height} crf${p.crf}: ${p.kbps} kb/s, ${p.psnr} dB`);
