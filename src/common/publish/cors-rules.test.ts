import { describe, expect, it } from 'vitest';
import {
  checkCorsRules,
  CORS_RULE_ID,
  originMatches,
  playbackCorsRule,
  withPlaybackRule,
} from './cors-rules.js';

const rule = (origins: string[], methods: string[], extra = {}) => ({
  AllowedOrigins: origins,
  AllowedMethods: methods,
  ...extra,
});

describe('CORS for hls.js (GET and HEAD from the player page’s origin)', () => {
  it('no rules: not playable in browsers', () => {
    expect(checkCorsRules([])).toEqual({
      ok: false,
      problems: [expect.stringContaining('no CORS configuration')],
    });
  });

  it('any origin needs a "*" rule with GET and HEAD', () => {
    expect(checkCorsRules([rule(['*'], ['GET', 'HEAD'])])).toEqual({ ok: true, problems: [] });
    expect(checkCorsRules([rule(['*'], ['GET'])]).problems).toEqual([
      'no CORS rule allows HEAD from any origin',
    ]);
    expect(checkCorsRules([rule(['https://a.example'], ['GET', 'HEAD'])], '*').ok).toBe(false);
    // Methods may come from two rules for the same origin.
    expect(checkCorsRules([rule(['*'], ['GET']), rule(['*'], ['head'])]).ok).toBe(true);
  });

  it('a given origin matches exactly or through one wildcard', () => {
    expect(originMatches('https://*.example.com', 'https://www.example.com')).toBe(true);
    expect(originMatches('https://*.example.com', 'https://example.org')).toBe(false);
    expect(originMatches('https://Site.example', 'https://site.example')).toBe(true);
    expect(
      checkCorsRules([rule(['https://*.example.com'], ['GET', 'HEAD'])], 'https://tv.example.com').ok,
    ).toBe(true);
  });

  it('apply keeps other rules and replaces only its own', () => {
    const other = rule(['https://admin.example'], ['PUT']);
    const once = withPlaybackRule([other], '*');
    expect(once).toEqual([other, playbackCorsRule('*')]);
    const twice = withPlaybackRule(once, 'https://site.example');
    expect(twice).toHaveLength(2);
    expect(twice[1]).toMatchObject({
      ID: CORS_RULE_ID,
      AllowedOrigins: ['https://site.example'],
      AllowedMethods: ['GET', 'HEAD'],
    });
  });
});
