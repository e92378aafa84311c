// @vitest-environment jsdom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JobView, StudioApi } from '../../../src/common/api/studio-api';
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

  it('a failed job shows its error in plain words, the detail one click away, and offers Retry', () => {
    const fake = api();
    renderWithMantine(
      <JobQueue
        api={fake}
        jobs={[
          job({
            status: 'failed',
            error: { code: 'NOT_MEDIA', message: '/in/x.mp4: not a video', detail: 'moov atom not found' },
          }),
        ]}
        onSelect={() => {}}
      />,
    );
    expect(screen.getByTestId('job-error').textContent).toBe('/in/x.mp4: not a video');
    fireEvent.click(screen.getByRole('button', { name: 'Details' }));
    expect(screen.getByText('moov atom not found')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(fake.retryJob).toHaveBeenCalledWith({ id: 'a1' });
  });

  it('reorders and removes; the first row cannot move up', () => {
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
    fireEvent.click(within(rows[0]!).getByRole('button', { name: 'Remove' }));
    expect(fake.removeJob).toHaveBeenCalledWith({ id: 'a1' });
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
