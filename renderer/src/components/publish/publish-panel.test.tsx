// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type {
  JobResult,
  JobView,
  PublishView,
  StudioApi,
  TargetView,
} from '../../../../src/common/api/studio-api';
import { embedSnippet } from '../../../../src/common/publish/embed-snippet';
import { renderWithMantine } from '../../test-setup';
import { PublishPanel, publishedResult } from './publish-panel';

const PLAYBACK = 'https://cdn.example.com/vod/clip/master.m3u8';

const result: JobResult = {
  baseUrl: '/packages/a1/',
  multivariantPlaylist: 'master.m3u8',
  variants: [],
  validation: { target: 'x', valid: true, mustFailures: 0, shouldFailures: 0, results: [], checkedAt: '' },
  sizeBytes: 5 * 1024 ** 2,
  elapsedSec: 12,
};

const job = (publish?: PublishView): JobView => ({
  id: 'a1',
  fileName: 'clip.mp4',
  presetId: 'web-compact',
  status: 'done',
  notes: [],
  result,
  publish,
  addedAt: 0,
});

const target = (name: string, isDefault = false): TargetView => ({
  name,
  target: { store: 's3', bucket: name },
  store: 's3',
  publicBaseUrl: `https://${name}.s3.us-east-1.amazonaws.com`,
  hasCredentials: false,
  isDefault,
});
const targets = [target('staging'), target('cdn', true)];

function fakeApi() {
  const fake = {
    publishJob: vi.fn(async () => {}),
    describePublish: vi.fn(async ({ target, name }: { target?: string; name?: string }) => ({
      target: target ?? 'cdn',
      name: name ?? 'clip',
      location: `s3://${target}/vod/${name ?? 'clip'}/`,
      playbackUrl: `https://${target}.example.com/vod/${name ?? 'clip'}/master.m3u8`,
      files: 42,
      bytes: 5 * 1024 ** 2,
    })),
    cancelPublish: vi.fn(async () => {}),
    fixCors: vi.fn(async () => {}),
  };
  return fake as unknown as StudioApi & typeof fake;
}

afterEach(cleanup);

describe('PublishPanel', () => {
  it('preselects the default target and publishes the job to it', async () => {
    const api = fakeApi();
    renderWithMantine(<PublishPanel api={api} job={job()} targets={targets} />);
    const select = screen.getAllByLabelText('Target').find((e) => e.tagName === 'INPUT') as HTMLInputElement;
    expect(select.value).toBe('cdn');
    // Where it goes and what it weighs, before the button; the name comes from the back end.
    await waitFor(
      () =>
        expect(screen.getByTestId('publish-planned-url').textContent).toBe(
          'https://cdn.example.com/vod/clip/master.m3u8',
        ),
      { timeout: 5000 },
    );
    expect(screen.getByTestId('publish-location').textContent).toBe('s3://cdn/vod/clip/');
    expect(screen.getByTestId('publish-size').textContent).toMatch(/^42 files · 5\.0 MiB in all/);
    fireEvent.click(screen.getByRole('button', { name: 'Publish' }));
    await waitFor(() =>
      expect(api.publishJob).toHaveBeenCalledWith({ id: 'a1', target: 'cdn', name: 'clip' }),
    );
  });

  it('the name in the bucket is editable: the URL follows it, a bad one is refused as typed', async () => {
    const api = fakeApi();
    renderWithMantine(<PublishPanel api={api} job={job()} targets={targets} />);
    const name = screen.getByLabelText('Name in the bucket') as HTMLInputElement;
    await waitFor(() => expect(name.value).toBe('clip'), { timeout: 5000 });
    fireEvent.change(name, { target: { value: 'launch video' } });
    expect(screen.getByText(/no spaces or slashes/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Publish' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(name, { target: { value: 'launch-2026' } });
    await waitFor(
      () =>
        expect(screen.getByTestId('publish-planned-url').textContent).toBe(
          'https://cdn.example.com/vod/launch-2026/master.m3u8',
        ),
      { timeout: 5000 },
    );
    expect(api.describePublish).not.toHaveBeenCalledWith(expect.objectContaining({ name: 'launch video' }));
    fireEvent.click(screen.getByRole('button', { name: 'Publish' }));
    await waitFor(() =>
      expect(api.publishJob).toHaveBeenCalledWith({ id: 'a1', target: 'cdn', name: 'launch-2026' }),
    );
  });

  it('while publishing shows bytes, files, rate and ETA, and cancels', async () => {
    const api = fakeApi();
    renderWithMantine(
      <PublishPanel
        api={api}
        targets={targets}
        job={job({
          status: 'publishing',
          target: 'staging',
          progress: {
            bytesDone: 3 * 1024 ** 2,
            bytesTotal: 4 * 1024 ** 2,
            filesDone: 30,
            filesTotal: 40,
            filesSkipped: 2,
            rateBytesPerSec: 1024 ** 2,
            etaSec: 61,
            phase: 'media',
          },
        })}
      />,
    );
    expect(
      within(screen.getByTestId('publish-progress')).getByTestId('publish-progress-text').textContent,
    ).toBe('75% · 3.0 MiB of 4.0 MiB · 30 of 40 files · 2 already there · 1.0 MiB/s · ETA 1:01');
    expect((screen.getByRole('button', { name: 'Publish' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel publish' }));
    await waitFor(() => expect(api.cancelPublish).toHaveBeenCalledWith({ id: 'a1' }));
  });

  it('after a failure shows the error and resumes to the same target', async () => {
    const api = fakeApi();
    renderWithMantine(
      <PublishPanel
        api={api}
        targets={targets}
        job={job({
          status: 'failed',
          target: 'staging',
          error: { code: 'PUBLISH_AUTH', message: 'the store refused the credentials (InvalidAccessKeyId)' },
        })}
      />,
    );
    expect(screen.getByTestId('publish-error').textContent).toContain('InvalidAccessKeyId');
    fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(api.publishJob).toHaveBeenCalledWith({ id: 'a1', target: 'staging' }));
  });

  it('when published: URL, embed snippet to the clipboard, player, remote check and one-click CORS fix', async () => {
    const api = fakeApi();
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const embedHtml = embedSnippet(PLAYBACK);
    renderWithMantine(
      <PublishPanel
        api={api}
        targets={targets}
        job={job({
          status: 'published',
          target: 'cdn',
          corsProblem: 'no CORS rule allows https://example.org (AllowedOrigins)',
          summary: {
            playbackUrl: PLAYBACK,
            embedHtml,
            uploaded: 42,
            skipped: 0,
            bytesSent: 5 * 1024 ** 2,
            durationSec: 3.2,
            dryRun: false,
            verification: {
              ok: false,
              baseUrl: 'https://cdn.example.com/vod/clip/',
              checked: 44,
              hashed: 6,
              corsHeader: false,
              failures: [
                {
                  path: 'v0/seg_00003.m4s',
                  url: 'https://cdn.example.com/vod/clip/v0/seg_00003.m4s',
                  problem: '403',
                },
              ],
              notes: ['segments were sampled: 6 of 40 hashed'],
              validation: {
                valid: false,
                mustFailures: 1,
                newFailures: [
                  { id: 'rfc8216-6.2.1', title: 'segments available', message: 'v0/seg_00003.m4s: 403' },
                ],
              },
            },
          },
        })}
      />,
    );
    expect(screen.getByTestId('playback-url').textContent).toBe(PLAYBACK);
    // Opened in the system browser (desktop) or a new tab, with no opener or referrer to the studio.
    expect(screen.getByTestId('playback-url').getAttribute('target')).toBe('_blank');
    expect(screen.getByTestId('playback-url').getAttribute('rel')).toBe('noreferrer noopener');
    fireEvent.click(screen.getByRole('button', { name: 'Copy embed snippet' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(embedHtml));
    expect(await screen.findByText('Embed snippet copied')).toBeTruthy();

    const report = screen.getByTestId('verification-report');
    expect(report.dataset.ok).toBe('false');
    expect(report.textContent).toContain('Fetched 44 object(s)');
    expect(report.textContent).toContain('v0/seg_00003.m4s: 403');
    expect(report.textContent).toContain('segments available (rfc8216-6.2.1)');
    expect(report.textContent).toContain('no Access-Control-Allow-Origin');

    fireEvent.click(screen.getByRole('button', { name: 'Play published' }));
    expect(within(screen.getByTestId('published-preview')).getByTestId('package-preview')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Fix CORS' }));
    await waitFor(() => expect(api.fixCors).toHaveBeenCalledWith({ name: 'cdn' }));
    expect(await screen.findByText(/CORS rules set on cdn/)).toBeTruthy();
  });

  it('the preview plays the published copy: the local result with the playback folder as its base', () => {
    expect(publishedResult(result, PLAYBACK)).toEqual({
      ...result,
      baseUrl: 'https://cdn.example.com/vod/clip/',
    });
  });
});
