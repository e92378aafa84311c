// @vitest-environment jsdom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithMantine } from '../../test-setup';
import { QualitySection } from './quality-section';
import { evenTimeline } from './segment-timeline';
import { TWO_RUNGS, WITH_VMAF } from './test-figures';

afterEach(cleanup);

const timelines = [
  { starts: [0, 6], endSec: 10 },
  { starts: [0, 6], endSec: 10 },
];

describe('QualitySection', () => {
  it('plots one point per rung, labelled with its number, size and mean PSNR', () => {
    renderWithMantine(<QualitySection quality={TWO_RUNGS} timelines={timelines} onSeek={() => undefined} />);
    const points = screen.getAllByTestId('rate-quality-point');
    expect(points.map((p) => p.dataset.rung)).toEqual(['1', '2']);
    expect(points[0]!.textContent).toContain('1 · 320x180');
    expect(screen.getAllByTestId('rate-quality-value').map((v) => v.textContent)).toEqual([
      '32.1 dB',
      '39.8 dB',
    ]);
    expect(screen.getByRole('img', { name: /PSNR against average bit rate/ })).toBeTruthy();
  });
  it("marks each rung's worst segment with a button that seeks there on that rung", () => {
    const onSeek = vi.fn();
    renderWithMantine(<QualitySection quality={TWO_RUNGS} timelines={timelines} onSeek={onSeek} />);
    fireEvent.click(screen.getByRole('button', { name: 'Rung 1 worst: 31.8 dB at 0:06, seek' }));
    expect(onSeek).toHaveBeenCalledWith(6, 1);
    fireEvent.click(screen.getByRole('button', { name: 'Rung 2 worst: 39.3 dB at 0:00, seek' }));
    expect(onSeek).toHaveBeenLastCalledWith(0, 2);
  });
  it('switches both charts to SSIM, whose worst moments may be elsewhere', () => {
    renderWithMantine(<QualitySection quality={TWO_RUNGS} timelines={timelines} onSeek={() => undefined} />);
    fireEvent.click(screen.getByRole('radio', { name: 'SSIM' }));
    expect(screen.getAllByTestId('rate-quality-value').map((v) => v.textContent)).toEqual(['0.911', '0.979']);
    expect(screen.getByRole('button', { name: 'Rung 2 worst: 0.978 at 0:06, seek' })).toBeTruthy();
  });
  it('offers only the metrics the package has: no VMAF where its ffmpeg had no libvmaf', () => {
    renderWithMantine(<QualitySection quality={TWO_RUNGS} timelines={timelines} onSeek={() => undefined} />);
    const metric = screen.getByRole('radiogroup', { name: 'Metric' });
    expect(
      within(metric)
        .getAllByRole('radio')
        .map((r) => r.getAttribute('value')),
    ).toEqual(['psnr', 'ssim']);
    expect(screen.queryByRole('radio', { name: 'VMAF' })).toBeNull();
    expect(screen.queryByRole('columnheader', { name: 'VMAF mean' })).toBeNull();
  });
  it('offers VMAF where the package has it: both charts and the worst markers switch to it', () => {
    const onSeek = vi.fn();
    renderWithMantine(<QualitySection quality={WITH_VMAF} timelines={timelines} onSeek={onSeek} />);
    const metric = screen.getByRole('radiogroup', { name: 'Metric' });
    expect(
      within(metric)
        .getAllByRole('radio')
        .map((r) => r.getAttribute('value')),
    ).toEqual(['psnr', 'ssim', 'vmaf']);
    fireEvent.click(screen.getByRole('radio', { name: 'VMAF' }));
    expect(screen.getAllByTestId('rate-quality-value').map((v) => v.textContent)).toEqual(['71.3', '86.9']);
    expect(screen.getByRole('img', { name: /VMAF against average bit rate/ })).toBeTruthy();
    expect(screen.getByRole('img', { name: /VMAF over time/ })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Rung 1 worst: 68.2 at 0:06, seek' }));
    expect(onSeek).toHaveBeenCalledWith(6, 1);
    // The table gains a VMAF column; the method line names it, the unmeasured line names only XPSNR.
    expect(screen.getByRole('columnheader', { name: 'VMAF mean' })).toBeTruthy();
    expect(screen.getAllByTestId('vmaf-mean').map((c) => c.textContent)).toEqual(['86.9', '71.3']);
    expect(screen.getByTestId('quality-method').textContent).toMatch(/^Luma PSNR, SSIM and VMAF against/);
    expect(screen.getByTestId('quality-unmeasured').textContent).toBe(
      'Not measured: XPSNR (needs ffmpeg 7.1 or newer).',
    );
  });
  it('lists the figures top rung first, with how they were measured and what was not', () => {
    renderWithMantine(<QualitySection quality={TWO_RUNGS} timelines={timelines} onSeek={() => undefined} />);
    const rows = screen.getAllByTestId('quality-row');
    expect(rows.map((r) => r.dataset.rung)).toEqual(['2', '1']);
    expect(rows[1]!.textContent).toBe('1 · 320x180440 kb/s32.1 dB31.5 dB31.8 dB at 0:060.911');
    expect(screen.getByTestId('quality-method').textContent).toContain('480x270 (bicubic)');
    expect(screen.getByTestId('quality-unmeasured').textContent).toContain(
      'VMAF (this ffmpeg has no libvmaf)',
    );
  });
  it('draws a step per segment, on segment times that need not be equal', () => {
    renderWithMantine(
      <QualitySection
        quality={TWO_RUNGS}
        timelines={[evenTimeline(2, 10), { starts: [0, 6], endSec: 10 }]}
        onSeek={() => undefined}
      />,
    );
    const [even, real] = screen.getAllByTestId('quality-timeline-line').map((l) => l.getAttribute('d'));
    expect(even).toMatch(/^M\S+ \S+H\S+V\S+H\S+$/);
    expect(even).not.toBe(real);
  });
});
