import { z } from 'zod';
import { toErrorData } from '../errors.js';
import { API_CALLS, type ApiCall, type CallResult, type StudioApi } from './studio-api.js';

/**
 * The back-end side of every transport: checks the call name against the closed list, validates the
 * payload with its schema, runs it, and turns any failure into `{ code, message, detail }`.
 */
export async function dispatchCall(api: StudioApi, method: unknown, payload: unknown): Promise<CallResult> {
  if (typeof method !== 'string' || !Object.hasOwn(API_CALLS, method)) {
    return {
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: `unknown call ${String(method).slice(0, 60)}` },
    };
  }
  const schema = API_CALLS[method as ApiCall];
  const parsed = schema.safeParse(payload ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: 'INVALID_ARGUMENT',
        message: `bad payload for ${method}`,
        detail: z.prettifyError(parsed.error),
      },
    };
  }
  try {
    const call = api[method as ApiCall] as (request: unknown) => Promise<unknown>;
    return { ok: true, value: (await call.call(api, parsed.data)) ?? null };
  } catch (error) {
    return { ok: false, error: toErrorData(error) };
  }
}
