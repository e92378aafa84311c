import { useEffect, useRef, useState } from 'react';
import type { JobView, PerTitleAnalysis, StudioApi } from '../../../../../src/common/api/studio-api';
import type { Preset } from '../../../../../src/common/presets/preset-schema';
import { messageOf } from '../../../state/use-action';
import { errorCode } from '../draft';

export type PerTitleRun =
  | { state: 'idle' }
  | { state: 'analyzing'; ratio?: number; fileName: string }
  | { state: 'done'; analysis: PerTitleAnalysis; preset: Preset }
  | { state: 'failed'; message: string }
  | { state: 'cancelled' };

/**
 * One per-title analysis at a time through the API: start (a job's source, the draft as it is), its
 * progress from the 'per-title' events, cancel. A newer start, or unmounting, makes an older answer stale.
 */
export function usePerTitleRun(api: StudioApi) {
  const [run, setRun] = useState<PerTitleRun>({ state: 'idle' });
  const attempt = useRef(0);

  useEffect(() => {
    const unsubscribe = api.onEvent((event) => {
      if (event.type !== 'per-title' || event.state !== 'analyzing') return;
      setRun((r) => (r.state === 'analyzing' ? { ...r, ratio: event.ratio } : r));
    });
    return () => {
      unsubscribe();
      attempt.current++;
    };
  }, [api]);

  const start = async (job: JobView, preset: Preset) => {
    const mine = ++attempt.current;
    setRun({ state: 'analyzing', fileName: job.fileName });
    try {
      const analysis = await api.analyzePerTitle({ jobId: job.id, preset });
      if (mine === attempt.current) setRun({ state: 'done', analysis, preset });
    } catch (e) {
      if (mine !== attempt.current) return;
      setRun(
        errorCode(e) === 'CANCELLED' ? { state: 'cancelled' } : { state: 'failed', message: messageOf(e) },
      );
    }
  };
  const cancel = () => void api.cancelPerTitle({}).catch(() => undefined);
  return { run, start, cancel };
}
