import type { VideoInfo } from '../media/source-info.js';

/**
 * HDR (PQ or HLG, BT.2020) to SDR BT.709 with zscale + tonemap (Hable), for 8-bit H.264/HEVC rungs.
 * Input colour properties are given explicitly because phone files often leave some untagged.
 */
export function toneMapFilter(v: Pick<VideoInfo, 'dynamicRange' | 'colorPrimaries' | 'colorSpace'>): string {
  const transferIn = v.dynamicRange === 'hlg' ? 'arib-std-b67' : 'smpte2084';
  const primariesIn = v.colorPrimaries === 'bt709' ? '709' : '2020';
  const matrixIn = v.colorSpace === 'bt2020c' ? '2020_cl' : v.colorSpace === 'bt709' ? '709' : '2020_ncl';
  return [
    `zscale=tin=${transferIn}:pin=${primariesIn}:min=${matrixIn}:t=linear:npl=100`,
    'format=gbrpf32le',
    'zscale=p=bt709',
    'tonemap=tonemap=hable:desat=0',
    'zscale=t=bt709:m=bt709:r=tv',
    'format=yuv420p',
  ].join(',');
}
