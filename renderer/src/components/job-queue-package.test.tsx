// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JobView, StudioApi } from '../../../src/common/api/studio-api';
import { ApiError } from '../api/http-studio-api';
import { renderWithMantine } from '../test-setup';
import { JobQueue } from './job-queue';

const done: JobView = {
  id: 'a1',
  fileName: 'clip.mp4',
  presetId: 'web-compact',
  status: 'done',
  addedAt: 0,
  notes: [],
  result: {
    baseUrl: '/p/a1/',
    multivariantPlaylist: 'master.m3u8',
    variants: [],
    validation: { target: 'x', valid: true, mustFailures: 0, shouldFailures: 0, results: [], checkedAt: '' },
    sizeBytes: 1,
    elapsedSec: 1,
  },
};

afterEach(cleanup);

describe('a done row reaches its package', () => {
  it('in a browser: a Download .zip link to the package route', () => {
    renderWithMantine(
      <JobQueue
        api={{} as StudioApi}
        jobs={[done, { ...done, id: 'b2', status: 'encoding', result: undefined }]}
        onSelect={() => {}}
        packageAction={{ kind: 'download', href: (id) => `/api/package-zip/${id}` }}
      />,
    );
    const links = screen.getAllByRole('link', { name: 'Download .zip' });
    expect(links).toHaveLength(1); // the encoding row has no package yet
    expect(links[0]!.getAttribute('href')).toBe('/api/package-zip/a1');
    expect(links[0]!.hasAttribute('download')).toBe(true);
  });

  it('on the desktop: Show in folder asks for the job’s folder, and says why it could not', async () => {
    const show = vi
      .fn<(id: string) => Promise<void>>()
      .mockResolvedValueOnce()
      .mockRejectedValueOnce(
        new ApiError({ code: 'INVALID_ARGUMENT', message: 'that job has no finished package to show' }),
      );
    renderWithMantine(
      <JobQueue
        api={{} as StudioApi}
        jobs={[done]}
        onSelect={() => {}}
        packageAction={{ kind: 'show', show }}
      />,
    );
    const button = screen.getByRole('button', { name: 'Show in folder' });
    fireEvent.click(button);
    expect(show).toHaveBeenCalledWith('a1');
    fireEvent.click(button);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('no finished package'));
  });
});
