import { useCallback, useState } from 'react';

/** The message of anything thrown by an API call (an ApiError carries the back end's own words). */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

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
