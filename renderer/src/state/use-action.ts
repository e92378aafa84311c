import { useCallback, useState } from 'react';

/**
 * The message of a failure from either transport (`ApiError.data`, a rejected IPC call carrying
 * `data`: the back end's own words) or of anything else thrown.
 */
export function messageOf(error: unknown): string {
  if (error && typeof error === 'object') {
    const data = (error as { data?: { message?: unknown } }).data;
    if (data && typeof data.message === 'string') return data.message;
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return String(error);
}

/**
 * Runs one of a component's API calls at a time: which one is pending (for its button's spinner) and
 * the error of the last one, shown until the next call or until dismissed.
 */
export function useAction<Name extends string>() {
  const [pending, setPending] = useState<Name>();
  const [error, setError] = useState<string>();
  const run = useCallback(async (what: Name, action: () => Promise<void>) => {
    setPending(what);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setPending(undefined);
    }
  }, []);
  return { pending, error, clearError: () => setError(undefined), run };
}
