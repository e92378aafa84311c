/**
 * hls.js in a browser fetches playlists and segments with XHR/fetch, so the bucket must answer GET and
 * HEAD from the page's origin with Access-Control-Allow-Origin (Safari's native player does not need it).
 * Field names follow the S3 API so rules pass straight to and from the SDK.
 */
export interface CorsRule {
  AllowedOrigins: string[] | undefined;
  AllowedMethods: string[] | undefined;
  AllowedHeaders?: string[];
  ExposeHeaders?: string[];
  MaxAgeSeconds?: number;
  ID?: string;
}

export interface CorsCheck {
  ok: boolean;
  /** What is missing, for people. */
  problems: string[];
}

export const CORS_RULE_ID = 'hls-studio-playback';

/** Does some rule let `origin` (or any origin, for '*') GET and HEAD? */
export function checkCorsRules(rules: readonly CorsRule[], origin = '*'): CorsCheck {
  if (rules.length === 0)
    return { ok: false, problems: ['the bucket has no CORS configuration; hls.js in a browser cannot play'] };
  const allowsOrigin = (r: CorsRule) => (r.AllowedOrigins ?? []).some((o) => originMatches(o, origin));
  const methods = (r: CorsRule) => new Set((r.AllowedMethods ?? []).map((m) => m.toUpperCase()));
  const forOrigin = rules.filter(allowsOrigin);
  const who = origin === '*' ? 'any origin' : origin;
  if (forOrigin.length === 0) return { ok: false, problems: [`no CORS rule allows ${who} (AllowedOrigins)`] };
  const missing = ['GET', 'HEAD'].filter((m) => !forOrigin.some((r) => methods(r).has(m)));
  if (missing.length)
    return { ok: false, problems: [`no CORS rule allows ${missing.join(' and ')} from ${who}`] };
  return { ok: true, problems: [] };
}

/** S3 allows one `*` wildcard in an allowed origin (`https://*.example.com`). */
export function originMatches(allowed: string, origin: string): boolean {
  if (allowed === '*') return true;
  if (origin === '*') return false;
  const star = allowed.indexOf('*');
  if (star < 0) return allowed.toLowerCase() === origin.toLowerCase();
  const head = allowed.slice(0, star).toLowerCase();
  const tail = allowed.slice(star + 1).toLowerCase();
  const o = origin.toLowerCase();
  return o.length >= head.length + tail.length && o.startsWith(head) && o.endsWith(tail);
}

/** The rule `--cors apply` adds: GET/HEAD, Range allowed (byte-range playlists), lengths exposed. */
export function playbackCorsRule(origin = '*'): CorsRule {
  return {
    ID: CORS_RULE_ID,
    AllowedOrigins: [origin],
    AllowedMethods: ['GET', 'HEAD'],
    AllowedHeaders: ['*'],
    ExposeHeaders: ['Content-Length', 'Content-Range', 'ETag'],
    MaxAgeSeconds: 3600,
  };
}

/** The bucket's rules with ours replacing an earlier one of ours; other rules are kept as they are. */
export function withPlaybackRule(existing: readonly CorsRule[], origin = '*'): CorsRule[] {
  return [...existing.filter((r) => r.ID !== CORS_RULE_ID), playbackCorsRule(origin)];
}
