// @vitest-environment jsdom
import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JobView, StudioApi } from '../../../src/common/api/studio-api';
import { fileIdentity, type StudioClient } from '../api/studio-client';
import type { UploadOptions } from '../api/http-studio-api';
import { useIntake } from './use-intake';

const video = (name: string) =>
  new File([new Uint8Array([0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70])], name, { lastModified: 1000 });

function fakeClient() {
  const uploads: { file: File; options: UploadOptions; finish: () => void }[] = [];
  let n = 0;
  const addJobs = vi.fn(async ({ paths }: { paths: string[] }) =>
    paths.map((p) => ({ id: `job${++n}`, fileName: p }) as unknown as JobView),
  );
  const client: StudioClient = {
    api: { addJobs } as unknown as StudioApi,
    face: 'browser',
    identityOf: fileIdentity,
    pathFor: (file, options = {}) =>
      new Promise((resolve) => uploads.push({ file, options, finish: () => resolve(`/up/${file.name}`) })),
  };
  return { client, uploads, addJobs };
}

afterEach(() => sessionStorage.clear());

describe('useIntake', () => {
  it('a dropped file has a row at once, with its upload progress, until it is a job', async () => {
    const { client, uploads, addJobs } = fakeClient();
    const { result } = renderHook(() => useIntake(client, [], 'web-compact'));
    act(() => result.current.add([video('camera.mov')]));
    expect(result.current.rows.map((r) => r.fileName)).toEqual(['camera.mov']);
    await waitFor(() => expect(uploads).toHaveLength(1));
    act(() => uploads[0]!.options.onProgress?.(4));
    expect(result.current.rows[0]).toMatchObject({ state: 'uploading', sentBytes: 4, sizeBytes: 8 });
    await act(async () => uploads[0]!.finish());
    await waitFor(() => expect(result.current.rows).toEqual([]));
    expect(addJobs).toHaveBeenCalledWith({ paths: ['/up/camera.mov'], presetId: 'web-compact' });
  });

  it('empty and text files are refused by name before any upload', async () => {
    const { client, uploads } = fakeClient();
    const { result } = renderHook(() => useIntake(client, [], 'web-compact'));
    act(() => result.current.add([new File([], 'empty.mp4'), new File(['hello\n'], 'notes.mp4')]));
    await waitFor(() => expect(result.current.rows.every((r) => r.state === 'failed')).toBe(true));
    expect(result.current.rows.map((r) => r.error?.message)).toEqual([
      'empty.mp4 is empty (0 bytes): there is nothing to encode',
      'notes.mp4 is not a video or audio file: it is text',
    ]);
    expect(uploads).toHaveLength(0);
    act(() => result.current.dismiss(result.current.rows[0]!.key));
    expect(result.current.rows.map((r) => r.fileName)).toEqual(['notes.mp4']);
  });

  it('the same file again (name, size, time) is held back while its job is listed, until the user says so', async () => {
    const { client, uploads } = fakeClient();
    let jobs: JobView[] = [];
    const { result, rerender } = renderHook(() => useIntake(client, jobs, 'web-compact'));
    act(() => result.current.add([video('clip.mp4')]));
    // Dropped again while it is still uploading.
    act(() => result.current.add([video('clip.mp4')]));
    expect(result.current.duplicate?.names).toEqual(['clip.mp4']);
    expect(result.current.rows).toHaveLength(1);
    act(() => result.current.dismissDuplicates());

    await waitFor(() => expect(uploads).toHaveLength(1));
    await act(async () => uploads[0]!.finish());
    await waitFor(() => expect(result.current.rows).toEqual([]));
    jobs = [{ id: 'job1' } as JobView];
    rerender();
    act(() => result.current.add([video('clip.mp4'), video('other.mp4')]));
    expect(result.current.duplicate?.names).toEqual(['clip.mp4']);
    expect(result.current.rows.map((r) => r.fileName)).toEqual(['other.mp4']);
    act(() => result.current.addDuplicates());
    expect(result.current.rows.map((r) => r.fileName)).toEqual(['other.mp4', 'clip.mp4']);

    // Once its jobs are gone from the list, the file is new again.
    await waitFor(() => expect(uploads).toHaveLength(2));
    await act(async () => uploads[1]!.finish());
    await waitFor(() => expect(uploads).toHaveLength(3));
    await act(async () => uploads[2]!.finish());
    await waitFor(() => expect(result.current.rows).toEqual([]));
    jobs = [];
    rerender();
    act(() => result.current.add([video('clip.mp4')]));
    expect(result.current.duplicate).toBeUndefined();
    expect(result.current.rows.map((r) => r.fileName)).toEqual(['clip.mp4']);
  });
});
