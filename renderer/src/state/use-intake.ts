import { useCallback, useEffect, useRef, useState } from 'react';
import type { JobView } from '../../../src/common/api/studio-api';
import type { StudioErrorData } from '../../../src/common/errors';
import type { StudioClient } from '../api/studio-client';
import { rejectBeforeUpload } from './file-sniff';
import { messageOf } from './use-action';

/**
 * A dropped file on its way into the queue, shown as a row from the moment of the drop: checked, then
 * uploaded (browser mode) with its percentage, then added; or rejected before any upload.
 */
export interface IntakeRow {
  key: string;
  fileName: string;
  sizeBytes: number;
  state: 'waiting' | 'uploading' | 'adding' | 'failed';
  sentBytes: number;
  error?: StudioErrorData;
}

/** Files dropped again while their job is still listed: added only when the user confirms. */
export interface DuplicateDrop {
  files: File[];
  names: string[];
}

const REMEMBERED = 'hls-studio.added-files';

/** identity → job id, kept for the tab's life (a reload still knows what was dropped). */
function loadRemembered(): Map<string, string> {
  try {
    return new Map(JSON.parse(sessionStorage.getItem(REMEMBERED) ?? '[]') as [string, string][]);
  } catch {
    return new Map();
  }
}

/**
 * The way dropped files become jobs: each gets a row at once, empty and text files are refused in the
 * page (no upload, no probe), uploads go one at a time with their progress, and a file dropped again
 * while its job is listed waits for the user's word.
 */
export function useIntake(client: StudioClient, jobs: JobView[], presetId: string) {
  const [rows, setRows] = useState<IntakeRow[]>([]);
  const [duplicate, setDuplicate] = useState<DuplicateDrop>();
  const remembered = useRef<Map<string, string>>(loadRemembered());
  const controllers = useRef(new Map<string, AbortController>());
  const chain = useRef<Promise<void>>(Promise.resolve());
  const identities = useRef(new Map<string, string>());
  const jobsRef = useRef(jobs);
  jobsRef.current = jobs;
  const presetRef = useRef(presetId);
  presetRef.current = presetId;

  const patch = (key: string, change: Partial<IntakeRow>) =>
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...change } : r)));
  const drop = (key: string) => {
    controllers.current.delete(key);
    identities.current.delete(key);
    setRows((rs) => rs.filter((r) => r.key !== key));
  };

  const ingest = useCallback(
    (file: File, key: string) => {
      const controller = new AbortController();
      controllers.current.set(key, controller);
      chain.current = chain.current.then(async () => {
        if (controller.signal.aborted) return;
        try {
          patch(key, { state: 'uploading' });
          const path = await client.pathFor(file, {
            signal: controller.signal,
            onProgress: (sentBytes) => patch(key, { sentBytes }),
          });
          patch(key, { state: 'adding', sentBytes: file.size });
          const [job] = await client.api.addJobs({ paths: [path], presetId: presetRef.current });
          if (job) {
            remembered.current.set(client.identityOf(file), job.id);
            sessionStorage.setItem(REMEMBERED, JSON.stringify([...remembered.current]));
          }
          drop(key);
        } catch (e) {
          if (controller.signal.aborted) return drop(key);
          const data = (e as { data?: StudioErrorData }).data;
          identities.current.delete(key);
          patch(key, {
            state: 'failed',
            error: data ?? { code: 'IO_ERROR', message: messageOf(e), file: file.name },
          });
        }
      });
    },
    [client],
  );

  const admit = useCallback(
    async (files: File[]) => {
      for (const file of files) {
        const key = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
        identities.current.set(key, client.identityOf(file));
        setRows((rs) => [
          ...rs,
          { key, fileName: file.name, sizeBytes: file.size, state: 'waiting', sentBytes: 0 },
        ]);
        const refusal = await rejectBeforeUpload(file).catch(() => undefined);
        if (refusal) {
          identities.current.delete(key);
          patch(key, { state: 'failed', error: refusal });
        } else ingest(file, key);
      }
    },
    [client, ingest],
  );

  /** Drops or picks: files already in the queue (same identity, job still listed) are held back. */
  const add = useCallback(
    (files: File[]) => {
      const listed = new Set(jobsRef.current.map((j) => j.id));
      const inFlight = new Set(identities.current.values());
      const isDuplicate = (file: File) => {
        const identity = client.identityOf(file);
        const job = remembered.current.get(identity);
        return inFlight.has(identity) || (job !== undefined && listed.has(job));
      };
      const again = files.filter(isDuplicate);
      void admit(files.filter((f) => !again.includes(f)));
      setDuplicate(again.length ? { files: again, names: again.map((f) => f.name) } : undefined);
    },
    [admit, client],
  );

  useEffect(
    () => () => {
      for (const controller of controllers.current.values()) controller.abort();
    },
    [],
  );

  return {
    rows,
    duplicate,
    add,
    /** The user wants the held-back files added anyway. */
    addDuplicates: () => {
      if (duplicate) void admit(duplicate.files);
      setDuplicate(undefined);
    },
    dismissDuplicates: () => setDuplicate(undefined),
    /** Stops an upload, or clears a refused row. */
    dismiss: (key: string) => {
      const controller = controllers.current.get(key);
      if (controller) controller.abort();
      drop(key);
    },
  };
}
