// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FarmJobView, FarmView } from '../../../../src/common/api/farm-api';
import type { JobView, StudioApi } from '../../../../src/common/api/studio-api';
import { renderWithMantine } from '../../test-setup';
import { FarmJobsTable } from './farm-jobs-table';
import { FarmContext, SendToFarmButton } from './send-to-farm';

afterEach(cleanup);

const job = (over: Partial<FarmJobView>): FarmJobView => ({
  id: 'studio-abc',
  farm: 'render farm',
  fileName: 'film.mov',
  presetId: 'web-compact',
  sentAt: 1,
  state: 'waiting',
  attemptsMade: 0,
  attempts: 3,
  ...over,
});

function fakeApi() {
  const fake = {
    cancelFarmJob: vi.fn(async () => {}),
    retryFarmJob: vi.fn(async () => {}),
    removeFarmJob: vi.fn(async () => {}),
    sendToFarm: vi.fn(async () => {
      throw Object.assign(new Error('x'), {
        data: {
          code: 'INVALID_ARGUMENT',
          message: 'film.mov is on this computer and farm "render farm" has no shared folder',
        },
      });
    }),
  };
  return fake as unknown as StudioApi & typeof fake;
}

describe('farm job rows', () => {
  it('an active job shows its attempt, percentage, phase and ETA, and offers Cancel only', () => {
    const api = fakeApi();
    renderWithMantine(
      <FarmJobsTable
        api={api}
        jobs={[
          job({ state: 'active', attemptsMade: 1, progress: { ratio: 0.42, phase: 'encode', etaSec: 75 } }),
        ]}
      />,
    );
    const row = screen.getByTestId('farm-job-row');
    expect(within(row).getByTestId('farm-attempts').textContent).toBe('attempt 2 of 3');
    expect(within(row).getByTestId('farm-progress').textContent).toBe('42% · encode · ETA 1:15');
    expect(within(row).queryByRole('button', { name: 'Retry' })).toBeNull();
    fireEvent.click(within(row).getByRole('button', { name: 'Cancel' }));
    expect(api.cancelFarmJob).toHaveBeenCalledWith({ id: 'studio-abc' });
  });

  it('a job whose source is being uploaded to the input bucket shows the upload’s percentage and Cancel', () => {
    const api = fakeApi();
    renderWithMantine(
      <FarmJobsTable
        api={api}
        jobs={[job({ state: 'uploading', progress: { ratio: 0.37, phase: 'uploading' } })]}
      />,
    );
    const row = screen.getByTestId('farm-job-row');
    expect(within(row).getByTestId('farm-job-state').textContent).toBe('uploading');
    expect(within(row).getByTestId('farm-progress').textContent).toBe('37% · uploading');
    expect(within(row).getByTestId('farm-attempts').textContent).toBe('not sent yet');
    expect(within(row).queryByRole('button', { name: 'Remove from the list' })).toBeNull();
    fireEvent.click(within(row).getByRole('button', { name: 'Cancel' }));
    expect(api.cancelFarmJob).toHaveBeenCalledWith({ id: 'studio-abc' });
  });

  it('a failed job shows the reason and offers Retry; an unknown state (a newer engine) still shows', () => {
    const api = fakeApi();
    renderWithMantine(
      <FarmJobsTable
        api={api}
        jobs={[
          job({ state: 'failed', attemptsMade: 3, failedReason: 'NOT_MEDIA: not a video' }),
          job({ id: 'studio-new', state: 'paused-for-maintenance' }),
        ]}
      />,
    );
    const [failed, unknown] = screen.getAllByTestId('farm-job-row');
    expect(within(failed!).getByTestId('farm-failed-reason').textContent).toBe('NOT_MEDIA: not a video');
    fireEvent.click(within(failed!).getByRole('button', { name: 'Retry' }));
    expect(api.retryFarmJob).toHaveBeenCalledWith({ id: 'studio-abc' });
    expect(within(unknown!).getByTestId('farm-job-state').textContent).toBe('paused-for-maintenance');
    expect(within(unknown!).getByRole('button', { name: 'Cancel' })).toBeTruthy();
  });
});

describe('Send to farm', () => {
  const local = { id: 'j1', fileName: 'film.mov', status: 'queued' } as JobView;
  const farm: FarmView = {
    name: 'render farm',
    redisUrl: 'redis://:***@farm:6379/0',
    queueName: 'hls-studio-encode',
    out: { target: 'cdn' },
  };

  it('is not offered without a farm, nor for a job encoded already', () => {
    const api = fakeApi();
    renderWithMantine(
      <FarmContext.Provider value={{ api, farms: [] }}>
        <SendToFarmButton job={local} />
      </FarmContext.Provider>,
    );
    expect(screen.queryByTestId('send-to-farm')).toBeNull();
    cleanup();
    renderWithMantine(
      <FarmContext.Provider value={{ api, farms: [farm] }}>
        <SendToFarmButton job={{ ...local, status: 'done' }} />
      </FarmContext.Provider>,
    );
    expect(screen.queryByTestId('send-to-farm')).toBeNull();
  });

  it('says why a source cannot be sent, under the button', async () => {
    const api = fakeApi();
    renderWithMantine(
      <FarmContext.Provider value={{ api, farms: [farm] }}>
        <SendToFarmButton job={local} />
      </FarmContext.Provider>,
    );
    fireEvent.click(screen.getByTestId('send-to-farm'));
    expect(api.sendToFarm).toHaveBeenCalledWith({ jobId: 'j1', farm: 'render farm' });
    await waitFor(() =>
      expect(screen.getByTestId('send-to-farm-error').textContent).toMatch(/has no shared folder/),
    );
  });

  it('with several farms, a menu names each, with what stops one from reading local files', async () => {
    const api = fakeApi();
    const bare = {
      ...farm,
      name: 'cloud',
      sourceProblem: 'no shared folder: files on this computer cannot reach the workers',
    };
    renderWithMantine(
      <FarmContext.Provider value={{ api, farms: [farm, bare] }}>
        <SendToFarmButton job={local} />
      </FarmContext.Provider>,
    );
    fireEvent.click(screen.getByTestId('send-to-farm'));
    const choices = await screen.findAllByTestId('send-to-farm-choice');
    expect(choices.map((c) => c.textContent)).toEqual(['render farm', `cloud${bare.sourceProblem}`]);
    fireEvent.click(choices[0]!);
    expect(api.sendToFarm).toHaveBeenCalledWith({ jobId: 'j1', farm: 'render farm' });
  });
});
