// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type {
  SaveTargetRequest,
  StudioApi,
  StudioSettings,
  TargetTestReport,
  TargetView,
} from '../../../../src/common/api/studio-api';
import { renderWithMantine } from '../../test-setup';
import { TargetsPanel } from './targets-panel';

const settings: StudioSettings = {
  face: 'desktop',
  concurrency: 1,
  defaultPresetId: 'web-compact',
  credentialStorage: { available: true, plainText: false, note: '' },
};
const view: TargetView = {
  name: 'My bucket',
  target: { store: 's3', bucket: 'videos', prefix: 'vod' },
  store: 's3',
  publicBaseUrl: 'https://videos.s3.us-east-1.amazonaws.com',
  hasCredentials: true,
  isDefault: true,
};
const refusedRead: TargetTestReport = {
  ok: false,
  elapsedMs: 300,
  steps: [
    { step: 'list', ok: true, message: 'listed' },
    { step: 'put', ok: true, message: 'wrote' },
    {
      step: 'get',
      ok: false,
      status: 403,
      fix: 'public-read',
      message: 'https://videos.s3.amazonaws.com/vod/x answered HTTP 403: players could not fetch packages',
    },
  ],
};
const refusedKeys: TargetTestReport = {
  ok: false,
  elapsedMs: 300,
  steps: [{ step: 'list', ok: false, status: 403, fix: 'credentials', message: 'InvalidAccessKeyId' }],
};

function fakeApi(reports: TargetTestReport[]) {
  const fake = {
    saveTarget: vi.fn(async (r: SaveTargetRequest) => ({ ...view, target: r.target })),
    testTarget: vi.fn(async () => reports.shift()!),
  };
  return fake as unknown as StudioApi & typeof fake;
}

Element.prototype.scrollIntoView ??= () => undefined;
afterEach(cleanup);

describe('a failed connection test offers the fix', () => {
  it('players refused (403): one click uploads public-read and tests again; or opens the form at the public address', async () => {
    const passed: TargetTestReport = {
      ok: true,
      elapsedMs: 200,
      steps: [{ step: 'get', ok: true, message: 'read' }],
    };
    const api = fakeApi([refusedRead, passed]);
    renderWithMantine(<TargetsPanel api={api} targets={[view]} settings={settings} />);
    fireEvent.click(screen.getByRole('button', { name: 'Test' }));
    const fix = await screen.findByTestId('target-fix');
    expect(fix.getAttribute('data-fix')).toBe('public-read');
    // In the app's words: what happened, why, what to do; no command-line flag.
    expect(fix.textContent).toContain('Players cannot read from this bucket');
    expect(fix.textContent).toContain('refused (HTTP 403)');
    expect(fix.textContent).not.toMatch(/--\w/);
    fireEvent.click(within(fix).getByRole('button', { name: 'Make uploaded files public' }));
    await waitFor(() =>
      expect(api.saveTarget).toHaveBeenCalledWith({
        name: 'My bucket',
        replaceName: 'My bucket',
        target: { store: 's3', bucket: 'videos', prefix: 'vod', acl: 'public-read' },
      }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('target-test-report').getAttribute('data-ok')).toBe('true'),
    );
    expect(api.testTarget).toHaveBeenCalledTimes(2);
    expect(screen.queryByTestId('target-fix')).toBeNull();
  });

  it('Set a public address… opens the target’s form with that field focused', async () => {
    const api = fakeApi([refusedRead]);
    renderWithMantine(<TargetsPanel api={api} targets={[view]} settings={settings} />);
    fireEvent.click(screen.getByRole('button', { name: 'Test' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Set a public address…' }));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Public base URL')));
  });

  it('keys refused (403): Re-enter keys… opens the form at the access key', async () => {
    const api = fakeApi([refusedKeys]);
    renderWithMantine(<TargetsPanel api={api} targets={[view]} settings={settings} />);
    fireEvent.click(screen.getByRole('button', { name: 'Test' }));
    const fix = await screen.findByTestId('target-fix');
    expect(fix.textContent).toContain('The store refused the keys');
    fireEvent.click(within(fix).getByRole('button', { name: 'Re-enter keys…' }));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Access key ID')));
  });
});
