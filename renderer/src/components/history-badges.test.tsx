// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobResult, JobView } from '../../../src/common/api/studio-api';
import { renderWithMantine } from '../test-setup';
import { JobBadges } from './history-badges';

const result = (mustFailures: number): JobResult => ({
  baseUrl: '/p/a1/',
  multivariantPlaylist: 'master.m3u8',
  variants: [],
  validation: {
    target: 'x',
    valid: mustFailures === 0,
    mustFailures,
    shouldFailures: 0,
    results: [],
    checkedAt: '',
  },
  sizeBytes: 1,
  elapsedSec: 1,
});

const job = (over: Partial<JobView>): JobView => ({
  id: 'a1',
  fileName: 'clip.mp4',
  presetId: 'web-compact',
  status: 'queued',
  notes: [],
  addedAt: 0,
  ...over,
});

const labels = () => screen.queryAllByText(/.+/, { selector: '[data-badge] *' }).map((e) => e.textContent);

afterEach(cleanup);

describe('JobBadges', () => {
  it('a job re-queued after a crash says so', () => {
    renderWithMantine(<JobBadges job={job({ interrupted: true })} />);
    expect(labels()).toEqual(['interrupted → re-run']);
  });

  it('publishing shows its percent by bytes; a done job its validation', () => {
    renderWithMantine(
      <JobBadges
        job={job({
          status: 'done',
          result: result(0),
          publish: {
            status: 'publishing',
            target: 'cdn',
            progress: { bytesDone: 250, bytesTotal: 1000, filesDone: 9, filesTotal: 10, filesSkipped: 0 },
          },
        })}
      />,
    );
    expect(labels()).toEqual(['publishing 25%', 'valid']);
  });

  it('a failed publish and an invalid package name their problem', () => {
    renderWithMantine(
      <JobBadges
        job={job({
          status: 'done',
          result: result(3),
          publish: { status: 'failed', target: 'cdn', error: { code: 'PUBLISH_AUTH', message: 'denied' } },
        })}
      />,
    );
    expect(labels()).toEqual(['publish failed', '3 problems']);
    expect(screen.getByText('publish failed').closest('[data-badge]')?.getAttribute('title')).toBe('denied');
  });

  it('a queued job with no history shows nothing', () => {
    const { container } = renderWithMantine(<JobBadges job={job({})} />);
    expect(container.querySelector('[data-testid="job-badges"]')).toBeNull();
  });
});
