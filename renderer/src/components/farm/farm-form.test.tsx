// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FarmView } from '../../../../src/common/api/farm-api';
import type { StudioApi, TargetView } from '../../../../src/common/api/studio-api';
import { renderWithMantine } from '../../test-setup';
import { FarmForm } from './farm-form';
import { FarmsPanel } from './farms-panel';

afterEach(cleanup);

const targets = [{ name: 'cdn' }, { name: 'inputs-store' }] as TargetView[];
const farm: FarmView = {
  name: 'k8s',
  redisUrl: 'redis://:***@farm:6379/0',
  queueName: 'hls-studio-encode',
  out: { target: 'cdn' },
  inputBucket: { url: 's3://farm-in/studio', target: 'inputs-store' },
};

function fakeApi() {
  const fake = { saveFarm: vi.fn(async () => farm) };
  return fake as unknown as StudioApi & typeof fake;
}

const inputBucket = () => screen.getByRole('textbox', { name: 'Input bucket' }) as HTMLInputElement;

describe('the farm form’s input bucket', () => {
  it('refuses a URL that is not s3:// or gs://, under the field, and saves nothing', async () => {
    const api = fakeApi();
    renderWithMantine(
      <FarmForm api={api} targets={targets} editing={farm} onSaved={() => {}} onCancel={() => {}} />,
    );
    fireEvent.change(inputBucket(), { target: { value: 'https://farm-in.s3.amazonaws.com/studio' } });
    expect(screen.getByText('an s3://bucket/prefix or gs://bucket/prefix URL')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Save farm' }));
    await waitFor(() => expect(screen.getByTestId('farm-form-error').textContent).toMatch(/Input bucket/));
    expect(api.saveFarm).not.toHaveBeenCalled();
  });

  it('saves a gs:// bucket with the target chosen to upload with, and none when the field is emptied', async () => {
    const api = fakeApi();
    const onSaved = vi.fn();
    renderWithMantine(
      <FarmForm api={api} targets={targets} editing={farm} onSaved={onSaved} onCancel={() => {}} />,
    );
    expect(inputBucket().value).toBe('s3://farm-in/studio');
    fireEvent.change(inputBucket(), { target: { value: ' gs://farm-in/studio ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save farm' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(api.saveFarm).toHaveBeenLastCalledWith(
      expect.objectContaining({
        name: 'k8s',
        replaceName: 'k8s',
        inputBucket: { url: 'gs://farm-in/studio', target: 'inputs-store' },
      }),
    );
    fireEvent.change(inputBucket(), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save farm' }));
    await waitFor(() => expect(api.saveFarm).toHaveBeenCalledTimes(2));
    expect(api.saveFarm).toHaveBeenLastCalledWith(
      expect.not.objectContaining({ inputBucket: expect.anything() }),
    );
  });
});

describe('the Farms tab', () => {
  it('says how files from this computer reach each farm, or why they cannot', () => {
    const api = fakeApi();
    const shared: FarmView = { ...farm, name: 'lab', sharedFolder: '/mnt/media', inputBucket: undefined };
    const bare: FarmView = {
      ...farm,
      name: 'bare',
      inputBucket: undefined,
      sourceProblem: 'no shared folder and no input bucket',
    };
    const byDefault: FarmView = { ...farm, name: 'default', inputBucket: { url: 'gs://in/x' } };
    renderWithMantine(<FarmsPanel api={api} farms={[farm, shared, bare, byDefault]} targets={targets} />);
    expect(screen.getAllByTestId('farm-local-files').map((e) => e.textContent)).toEqual([
      'Files from this computer: uploaded to s3://farm-in/studio (with target inputs-store)',
      'Files from this computer: copied to the shared folder /mnt/media',
      'Files from this computer: uploaded to gs://in/x (with target cdn)',
    ]);
    expect(screen.getByTestId('farm-source-problem').textContent).toBe(
      'no shared folder and no input bucket',
    );
  });
});
