// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type {
  CredentialStorageInfo,
  SaveTargetRequest,
  StudioApi,
  StudioSettings,
  TargetView,
} from '../../../../src/common/api/studio-api';
import { renderWithMantine } from '../../test-setup';
import { TargetsPanel } from './targets-panel';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

const settings = (storage: Partial<CredentialStorageInfo>): StudioSettings => ({
  face: storage.available ? 'desktop' : 'browser',
  concurrency: 1,
  defaultPresetId: 'web-compact',
  credentialStorage: { available: true, plainText: false, note: '', ...storage },
});

const view = (over: Partial<TargetView> = {}): TargetView => ({
  name: 'cdn',
  target: { store: 'minio', bucket: 'videos', prefix: 'vod', endpoint: 'http://127.0.0.1:9000' },
  store: 'minio',
  publicBaseUrl: 'http://127.0.0.1:9000/videos',
  hasCredentials: false,
  isDefault: false,
  ...over,
});

function fakeApi() {
  const fake = {
    saveTarget: vi.fn(async (r: SaveTargetRequest) =>
      view({ name: r.name, hasCredentials: !!r.credentials }),
    ),
    removeTarget: vi.fn(async () => {}),
    setDefaultTarget: vi.fn(async () => {}),
    testTarget: vi.fn(async () => ({
      ok: false,
      elapsedMs: 420,
      steps: [
        { step: 'list', ok: true, message: '3 objects' },
        { step: 'put', ok: true, message: 'wrote .hls-studio-probe' },
        { step: 'cors', ok: false, message: 'no CORS rule allows * (AllowedOrigins)' },
      ],
    })),
    fixCors: vi.fn(async () => {}),
  };
  return fake as unknown as StudioApi & typeof fake;
}

// Required fields' labels end in an aria-hidden " *".
// A Select's listbox carries its label too: the input is the one wanted.
const field = (label: string) =>
  screen
    .getAllByLabelText(new RegExp(`^${label}( \\*)?$`))
    .find((e) => e.tagName === 'INPUT') as HTMLInputElement;
const type = (label: string, value: string) => fireEvent.change(field(label), { target: { value } });

async function chooseStore(title: string) {
  fireEvent.click(field('Store'));
  fireEvent.click(await screen.findByRole('option', { name: title }));
}

// Mantine's Combobox scrolls the selected option into view; jsdom has no layout to scroll.
Element.prototype.scrollIntoView ??= () => undefined;

afterEach(cleanup);

describe('TargetsPanel', () => {
  it('sends typed keys only in the saveTarget call and keeps nothing of them afterwards', async () => {
    const api = fakeApi();
    api.saveTarget.mockRejectedValueOnce(new Error('bucket: must be 3-63 characters'));
    renderWithMantine(
      <TargetsPanel api={api} targets={[]} settings={settings({ backend: 'gnome_libsecret' })} />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Add target' }));
    type('Name', 'minio-local');
    await chooseStore('MinIO');
    type('Bucket', 'videos');
    type('Endpoint', 'http://127.0.0.1:9000');
    type('Access key ID', 'AKIAEXAMPLE');
    type('Secret access key', SECRET);
    fireEvent.click(screen.getByRole('button', { name: 'Save target' }));

    await waitFor(() => expect(api.saveTarget).toHaveBeenCalledTimes(1));
    expect(api.saveTarget).toHaveBeenCalledWith({
      name: 'minio-local',
      target: { store: 'minio', bucket: 'videos', endpoint: 'http://127.0.0.1:9000', playlistMaxAgeSec: 60 },
      credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: SECRET },
    });
    // The call failed: the form stays, but the keys are gone from it and must be typed again.
    expect(await screen.findByText(/enter them again/)).toBeTruthy();
    expect(field('Access key ID').value).toBe('');
    expect(field('Secret access key').value).toBe('');
    expect(document.body.innerHTML).not.toContain(SECRET);
  });

  it('without a keyring, warns and saves keys only once "Store anyway" is ticked', async () => {
    const api = fakeApi();
    renderWithMantine(
      <TargetsPanel api={api} targets={[]} settings={settings({ plainText: true, backend: 'basic_text' })} />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Add target' }));
    expect(screen.getByTestId('plain-text-warning').textContent).toMatch(/only be\s+obfuscated/);
    type('Name', 'aws');
    type('Bucket', 'my-videos');
    type('Access key ID', 'AKIAEXAMPLE');
    type('Secret access key', SECRET);
    fireEvent.click(screen.getByRole('button', { name: 'Save target' }));
    expect(await screen.findByText(/Tick this to store the keys/)).toBeTruthy();
    expect(api.saveTarget).not.toHaveBeenCalled();

    fireEvent.click(screen.getByLabelText('Store anyway without a keyring'));
    fireEvent.click(screen.getByRole('button', { name: 'Save target' }));
    await waitFor(() => expect(api.saveTarget).toHaveBeenCalledTimes(1));
    const request = api.saveTarget.mock.calls[0]![0] as SaveTargetRequest;
    expect(request.allowPlainTextStorage).toBe(true);
    expect(request.target).toEqual({ store: 's3', bucket: 'my-videos', playlistMaxAgeSec: 60 });
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Save target' })).toBeNull());
  });

  it('in browser mode explains where credentials come from instead of asking for them', () => {
    renderWithMantine(
      <TargetsPanel
        api={fakeApi()}
        targets={[]}
        settings={settings({ available: false, note: "uses the AWS credential chain of the server's user" })}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Add target' }));
    expect(screen.getByTestId('credential-note').textContent).toBe(
      "uses the AWS credential chain of the server's user",
    );
    expect(screen.queryByLabelText('Access key ID')).toBeNull();
  });

  it('refuses an endpoint-less MinIO target with the message under the field', async () => {
    const api = fakeApi();
    renderWithMantine(<TargetsPanel api={api} targets={[]} settings={settings({})} />);
    fireEvent.click(screen.getByRole('button', { name: 'Add target' }));
    type('Name', 'm');
    await chooseStore('MinIO');
    type('Bucket', 'videos');
    expect((screen.getByLabelText('Path-style addressing') as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Save target' }));
    expect(await screen.findByText('MinIO needs an endpoint (the URL of its S3 API)')).toBeTruthy();
    expect(api.saveTarget).not.toHaveBeenCalled();
  });

  it('an edit that keeps the name saves over the target itself (replaceName is its own name)', async () => {
    const api = fakeApi();
    renderWithMantine(
      <TargetsPanel api={api} targets={[view({ hasCredentials: true })]} settings={settings({})} />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    type('Bucket', 'videos-2');
    fireEvent.click(screen.getByLabelText('Forget the saved keys'));
    fireEvent.click(screen.getByRole('button', { name: 'Save target' }));
    await waitFor(() => expect(api.saveTarget).toHaveBeenCalledTimes(1));
    expect(api.saveTarget).toHaveBeenCalledWith({
      name: 'cdn',
      replaceName: 'cdn',
      target: {
        store: 'minio',
        bucket: 'videos-2',
        prefix: 'vod',
        endpoint: 'http://127.0.0.1:9000',
        playlistMaxAgeSec: 60,
      },
      clearCredentials: true,
    });
  });

  it('lists targets with badges; tests, makes default, edits (rename) and removes after confirming', async () => {
    const api = fakeApi();
    const onChanged = vi.fn();
    renderWithMantine(
      <TargetsPanel
        api={api}
        targets={[
          view({ name: 'main', isDefault: true, hasCredentials: true }),
          view({ name: 'broken', problem: 'bucket: must be 3-63 characters' }),
        ]}
        settings={settings({})}
        onChanged={onChanged}
      />,
    );
    const [main, broken] = screen.getAllByTestId('target-row');
    expect(within(main!).getByText('default')).toBeTruthy();
    expect(within(main!).getByText('credentials saved')).toBeTruthy();
    expect(within(main!).getByText(/MinIO · videos\/vod/)).toBeTruthy();
    expect((within(main!).getByRole('button', { name: 'Make default' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
    expect(within(broken!).getByTestId('target-problem').textContent).toBe('bucket: must be 3-63 characters');

    fireEvent.click(within(broken!).getByRole('button', { name: 'Test' }));
    const report = await within(broken!).findByTestId('target-test-report');
    const steps = within(report).getAllByTestId('target-test-step');
    expect(steps.map((s) => s.textContent)).toEqual([
      '✓List the bucket: 3 objects',
      '✓Write a probe object: wrote .hls-studio-probe',
      '✗CORS for browsers: no CORS rule allows * (AllowedOrigins)',
    ]);
    fireEvent.click(within(broken!).getByRole('button', { name: 'Set CORS rules' }));
    await waitFor(() => expect(api.fixCors).toHaveBeenCalledWith({ name: 'broken' }));

    fireEvent.click(within(broken!).getByRole('button', { name: 'Make default' }));
    await waitFor(() => expect(api.setDefaultTarget).toHaveBeenCalledWith({ name: 'broken' }));

    fireEvent.click(within(broken!).getByRole('button', { name: 'Remove' }));
    expect(api.removeTarget).not.toHaveBeenCalled();
    fireEvent.click(within(broken!).getByRole('button', { name: 'Yes, remove' }));
    await waitFor(() => expect(api.removeTarget).toHaveBeenCalledWith({ name: 'broken' }));

    fireEvent.click(within(main!).getByRole('button', { name: 'Edit' }));
    expect(field('Endpoint').value).toBe('http://127.0.0.1:9000');
    expect(screen.getByText(/Keys are saved for this target/)).toBeTruthy();
    type('Name', 'main-renamed');
    fireEvent.click(screen.getByRole('button', { name: 'Save target' }));
    await waitFor(() => expect(api.saveTarget).toHaveBeenCalledTimes(1));
    expect(api.saveTarget).toHaveBeenCalledWith({
      name: 'main-renamed',
      replaceName: 'main',
      target: {
        store: 'minio',
        bucket: 'videos',
        prefix: 'vod',
        endpoint: 'http://127.0.0.1:9000',
        playlistMaxAgeSec: 60,
      },
    });
    await waitFor(() => expect(onChanged).toHaveBeenCalledTimes(3));
  });
});
