/** A rule of RFC 8216 or Apple's HLS Authoring Specification, as the validator checks it. */
export interface RuleResult {
  /** Stable id, e.g. "apple-7.7" or "rfc8216-4.3.3.1". */
  id: string;
  /** Where the rule is written, e.g. "Apple HLS Authoring Spec 7.7". */
  reference: string;
  level: 'MUST' | 'SHOULD';
  /** The rule in a few words. */
  title: string;
  status: 'pass' | 'fail' | 'skip';
  /** Why it failed or was skipped, naming the playlist or segment. */
  message?: string;
}

export interface ValidationReport {
  /** The package folder or URL checked. */
  target: string;
  /** No MUST failed. */
  valid: boolean;
  mustFailures: number;
  shouldFailures: number;
  results: RuleResult[];
  checkedAt: string;
  /** The multivariant playlist could not be read at all (missing, unreachable): nothing else was checked. */
  unreadable?: string;
  /** URL packages: requests made, how many needed a retry, how many still failed after the last try. */
  network?: NetworkCounts;
}

export interface NetworkCounts {
  requests: number;
  /** Requests that needed at least one retry (5xx, 429, SlowDown, reset, timeout). */
  retried: number;
  /** Extra attempts in all. */
  retries: number;
  /** Requests that still failed after the last attempt. */
  failed: number;
}

export function summarizeResults(
  target: string,
  results: RuleResult[],
  now = new Date(),
  network?: NetworkCounts,
): ValidationReport {
  const failed = results.filter((r) => r.status === 'fail');
  const mustFailures = failed.filter((r) => r.level === 'MUST').length;
  // Failures first, MUST before SHOULD: what a reader should look at comes first.
  const rank = (r: RuleResult) =>
    r.status === 'fail' ? (r.level === 'MUST' ? 0 : 1) : r.status === 'skip' ? 3 : 2;
  return {
    target,
    valid: mustFailures === 0,
    mustFailures,
    shouldFailures: failed.length - mustFailures,
    results: [...results].sort((a, b) => rank(a) - rank(b)),
    checkedAt: now.toISOString(),
    ...(network ? { network: { ...network } } : {}),
  };
}
