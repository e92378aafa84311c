// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JobResult, JobView, StudioApi } from '../../../src/common/api/studio-api';
import { renderWithMantine } from '../test-setup';
import { JobQueue } from './job-queue';

const job = (over: Partial<JobView>): JobView => ({
  id: 'a1',
  fileName: 'clip.mp4',
  presetId: 'web-compact',
  status: 'queued',
  addedAt: 0,
  notes: [],
  ...over,
});
const result = (over: Partial<JobResult> = {}): JobResult => ({
  baseUrl: '/p/a1/',
  multivariantPlaylist: 'master.m3u8',
  variants: [],
  validation: { target: 'x', valid: true, mustFailures: 0, shouldFailures: 0, results: [], checkedAt: '' },
  sizeBytes: 1,
  elapsedSec: 1,
  ...over,
});
const api = () =>
  ({
    cancelJob: vi.fn(async () => {}),
    retryJob: vi.fn(async () => {}),
    removeJob: vi.fn(async () => {}),
    moveJob: vi.fn(async () => {}),
  }) as unknown as StudioApi;

afterEach(cleanup);

describe('JobQueue', () => {
  it('shows progress as percent, fps, speed and ETA, and cancels a running job', () => {
    const fake = api();
    renderWithMantine(
      <JobQueue
        api={fake}
        jobs={[job({ status: 'encoding', progress: { ratio: 0.42, fps: 118.6, speed: 3.95, etaSec: 75 } })]}
        onSelect={() => {}}
      />,
    );
    expect(screen.getByTestId('job-progress').textContent).toBe('42% · 119 fps · 4.0x · ETA 1:15');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(fake.cancelJob).toHaveBeenCalledWith({ id: 'a1' });
  });

  it('a job that is encoding offers its live preview; a probing one has nothing to play yet', () => {
    const onSelect = vi.fn();
    renderWithMantine(
      <JobQueue
        api={api()}
        jobs={[
          job({
            status: 'encoding',
            live: { baseUrl: '/api/live/a1/', multivariantPlaylist: 'master.m3u8' },
          }),
          job({ id: 'b2', fileName: 'other.mp4', status: 'probing' }),
        ]}
        onSelect={onSelect}
      />,
    );
    const [encoding, probing] = screen.getAllByTestId('job-row');
    fireEvent.click(within(encoding!).getByRole('button', { name: 'Preview' }));
    expect(onSelect).toHaveBeenCalledWith('a1', 'preview');
    expect(within(probing!).queryByRole('button', { name: 'Preview' })).toBeNull();
  });

  it('a failed row names the file the user added, keeps the machine words behind Details, and offers Retry only when it can help', () => {
    const fake = api();
    renderWithMantine(
      <JobQueue
        api={fake}
        jobs={[
          job({
            status: 'failed',
            fileName: 'holiday notes.mp4',
            error: {
              code: 'NOT_MEDIA',
              message: 'holiday notes.mp4: not a video or audio file ffmpeg can read (moov atom not found)',
              detail: '[mov,mp4] moov atom not found',
            },
          }),
          job({
            id: 'b2',
            fileName: 'long.mov',
            status: 'failed',
            error: { code: 'FFMPEG_FAILED', message: 'ffmpeg exited with code 1', detail: 'x'.repeat(3000) },
          }),
        ]}
        onSelect={() => {}}
      />,
    );
    const [notMedia, ffmpeg] = screen.getAllByTestId('job-row');
    expect(within(notMedia!).getByTestId('job-error').textContent).toBe(
      'holiday notes.mp4 is not a video or audio file ffmpeg can read',
    );
    expect(within(notMedia!).queryByRole('button', { name: 'Retry' })).toBeNull();
    fireEvent.click(within(notMedia!).getByRole('button', { name: 'Details' }));
    expect(within(notMedia!).getByTestId('job-detail').textContent).toContain('moov atom not found');
    // The detail wraps and scrolls inside the row (job-queue.css): it never widens the page.
    expect(within(notMedia!).getByTestId('job-detail').className).toContain('job-detail');

    expect(within(ffmpeg!).getByTestId('job-error').textContent).toBe('long.mov: ffmpeg exited with code 1');
    fireEvent.click(within(ffmpeg!).getByRole('button', { name: 'Retry' }));
    expect(fake.retryJob).toHaveBeenCalledWith({ id: 'b2' });
  });

  it('a zero-byte file gets no Retry', () => {
    renderWithMantine(
      <JobQueue
        api={api()}
        jobs={[
          job({ status: 'failed', error: { code: 'FILE_EMPTY', message: 'clip.mp4: is empty (0 bytes)' } }),
        ]}
        onSelect={() => {}}
      />,
    );
    expect(screen.getByTestId('job-error').textContent).toBe(
      'clip.mp4 is empty (0 bytes): there is nothing to encode',
    );
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('reorders; the first row cannot move up', () => {
    const fake = api();
    renderWithMantine(
      <JobQueue
        api={fake}
        jobs={[job({ id: 'a1' }), job({ id: 'b2', fileName: 'second.mp4' })]}
        onSelect={() => {}}
      />,
    );
    const rows = screen.getAllByTestId('job-row');
    expect((within(rows[0]!).getByRole('button', { name: 'Move up' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
    fireEvent.click(within(rows[1]!).getByRole('button', { name: 'Move up' }));
    expect(fake.moveJob).toHaveBeenCalledWith({ id: 'b2', toIndex: 0 });
  });

  it('a removal hides the row at once, says the package stays on disk, and can be undone', () => {
    vi.useFakeTimers();
    try {
      const fake = api();
      const jobs = [
        job({ id: 'a1', status: 'done', result: result({ packageDir: '/out/clip' }) }),
        job({ id: 'b2', fileName: 'second.mp4' }),
      ];
      const onRemoving = vi.fn();
      renderWithMantine(
        <JobQueue api={fake} jobs={jobs} onSelect={() => {}} undoMs={5000} onRemoving={onRemoving} />,
      );
      fireEvent.click(within(screen.getAllByTestId('job-row')[0]!).getByRole('button', { name: 'Remove' }));
      expect(screen.getAllByTestId('job-row')).toHaveLength(1);
      expect(onRemoving).toHaveBeenCalledWith(['a1']);
      expect(screen.getByTestId('undo-notice').textContent).toMatch(
        /Removed clip\.mp4 from the queue\. Its package stays on disk in \/out\/clip\./,
      );
      fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
      expect(screen.getAllByTestId('job-row')).toHaveLength(2);
      expect(screen.queryByTestId('undo-notice')).toBeNull();
      act(() => vi.advanceTimersByTime(10_000));
      expect(fake.removeJob).not.toHaveBeenCalled();

      fireEvent.click(within(screen.getAllByTestId('job-row')[1]!).getByRole('button', { name: 'Remove' }));
      act(() => vi.advanceTimersByTime(5000));
      expect(fake.removeJob).toHaveBeenCalledWith({ id: 'b2' });
      expect(screen.queryByTestId('undo-notice')).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('"Clear finished" removes done, failed and cancelled rows, not running or queued ones', () => {
    renderWithMantine(
      <JobQueue
        api={api()}
        jobs={[
          job({ id: 'a1', status: 'done', result: result() }),
          job({ id: 'b2', status: 'failed', error: { code: 'IO_ERROR', message: 'x' } }),
          job({ id: 'c3', status: 'encoding', progress: { ratio: 0.5 } }),
          job({ id: 'd4', status: 'queued' }),
        ]}
        onSelect={() => {}}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Clear finished' }));
    expect(screen.getAllByTestId('job-row').map((r) => r.dataset.status)).toEqual(['encoding', 'queued']);
    expect(screen.getByTestId('undo-notice').textContent).toMatch(/Removed 2 jobs from the queue\./);
  });

  it('a row takes keyboard focus and Enter opens the inspector; its buttons do not', () => {
    const onSelect = vi.fn();
    renderWithMantine(
      <JobQueue api={api()} jobs={[job({ status: 'done', result: result() })]} onSelect={onSelect} />,
    );
    const row = screen.getByTestId('job-row');
    expect(row.tabIndex).toBe(0);
    fireEvent.keyDown(row, { key: 'Enter' });
    expect(onSelect).toHaveBeenLastCalledWith('a1', 'inspect');
    fireEvent.click(within(row).getByRole('button', { name: 'Preview' }));
    expect(onSelect).toHaveBeenLastCalledWith('a1', 'preview');
    expect(onSelect).toHaveBeenCalledTimes(2);
  });

  it('a done row shows its poster, preset, size, time taken, and per-rung sizes in its details', () => {
    const rung = (uri: string, height: number, averageBandwidth: number) => ({
      uri,
      height,
      averageBandwidth,
      peakBandwidth: averageBandwidth,
      codecs: [],
      segments: 1,
    });
    renderWithMantine(
      <JobQueue
        api={api()}
        presetNames={{ 'web-compact': 'Web compact' }}
        jobs={[
          job({
            status: 'done',
            result: result({
              poster: 'poster.jpg',
              sizeBytes: 3 * 1024 ** 2,
              elapsedSec: 42,
              packageDir: '/out/clip',
              variants: [rung('v0/index.m3u8', 360, 800_000), rung('v1/index.m3u8', 720, 2_500_000)],
              rungSizes: { 'v0/index.m3u8': 1024 ** 2, 'v1/index.m3u8': 2 * 1024 ** 2 },
            }),
          }),
        ]}
        onSelect={() => {}}
      />,
    );
    expect(screen.getByTestId('job-thumb').getAttribute('src')).toBe('/p/a1/poster.jpg');
    expect(screen.getByTestId('job-facts').textContent).toBe('Web compact');
    expect(screen.getByTestId('job-output').textContent).toBe('2 rungs · 3.0 MiB');
    expect(screen.getByTestId('job-elapsed').textContent).toBe('took 0:42');
    fireEvent.click(screen.getByRole('button', { name: 'Details' }));
    expect(screen.getByTestId('job-package-dir').textContent).toBe('Package folder: /out/clip');
    expect(screen.getAllByTestId('job-rung').map((r) => r.textContent)).toEqual([
      '360p · 800 kb/s · 1.0 MiB',
      '720p · 2.50 Mb/s · 2.0 MiB',
    ]);
  });

  it('packaging says what is happening instead of "100% · ETA 0:00"', () => {
    renderWithMantine(
      <JobQueue
        api={api()}
        jobs={[job({ status: 'packaging', progress: { ratio: 1, etaSec: 0 } })]}
        onSelect={() => {}}
      />,
    );
    expect(screen.getByTestId('job-progress').textContent).toBe(
      'comparing rungs with the source, measuring bit rates, writing playlists, validating…',
    );
  });

  it('while the rungs are compared with the source, packaging has a percentage (minutes on a long film)', () => {
    renderWithMantine(
      <JobQueue
        api={api()}
        jobs={[job({ status: 'packaging', progress: { ratio: 1, measuringRatio: 0.427 } })]}
        onSelect={() => {}}
      />,
    );
    expect(screen.getByTestId('job-progress').textContent).toBe('comparing rungs with the source: 42%…');
    const bar = screen.getByRole('progressbar', { name: /Packaging/ });
    expect(Number(bar.getAttribute('aria-valuenow'))).toBeCloseTo(42.7, 6);
  });

  it('a dropped file shows its upload percentage before it is a job; a refused one names the file', () => {
    const onDismiss = vi.fn();
    renderWithMantine(
      <JobQueue
        api={api()}
        jobs={[]}
        onSelect={() => {}}
        onDismissIntake={onDismiss}
        intake={[
          {
            key: 'k1',
            fileName: 'camera.mov',
            sizeBytes: 4 * 1024 ** 2,
            state: 'uploading',
            sentBytes: 1024 ** 2,
          },
          {
            key: 'k2',
            fileName: 'empty.mp4',
            sizeBytes: 0,
            state: 'failed',
            sentBytes: 0,
            error: {
              code: 'FILE_EMPTY',
              message: 'empty.mp4 is empty (0 bytes): there is nothing to encode',
            },
          },
        ]}
      />,
    );
    const [uploading, refused] = screen.getAllByTestId('job-row');
    expect(within(uploading!).getByTestId('upload-progress').textContent).toBe(
      '25% uploaded · 1.0 MiB of 4.0 MiB',
    );
    expect(within(refused!).getByTestId('job-error').textContent).toMatch(/^empty\.mp4 is empty/);
    expect(within(refused!).getByTestId('job-status').textContent).toBe('refused');
    fireEvent.click(within(refused!).getByRole('button', { name: 'Dismiss' }));
    expect(onDismiss).toHaveBeenCalledWith('k2');
  });

  it('a done job offers Preview and says whether its package is valid', () => {
    const onSelect = vi.fn();
    const validation = {
      target: 'x',
      valid: false,
      mustFailures: 1,
      shouldFailures: 0,
      results: [],
      checkedAt: '',
    };
    renderWithMantine(
      <JobQueue
        api={api()}
        jobs={[
          job({
            status: 'done',
            result: {
              baseUrl: '/p/a1/',
              multivariantPlaylist: 'master.m3u8',
              variants: [],
              validation,
              sizeBytes: 1,
              elapsedSec: 1,
            },
          }),
        ]}
        onSelect={onSelect}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect(onSelect).toHaveBeenCalledWith('a1', 'preview');
    expect(screen.getByRole('button', { name: 'Invalid' })).toBeTruthy();
  });
});
