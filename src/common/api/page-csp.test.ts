import { describe, expect, it } from 'vitest';
import { pageCsp } from './page-csp.js';

describe('the page CSP', () => {
  it('never allows inline or foreign scripts', () => {
    const csp = pageCsp({ publicOrigins: ['https://cdn.example.com'] });
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/script-src[^;]*(unsafe|https)/);
  });

  it('lets hls.js fetch a published copy over https, from this machine, or from a saved plain-http store', () => {
    const csp = pageCsp({ publicOrigins: ['https://cdn.example.com', 'http://minio.lan:9000'] });
    const connect = /connect-src ([^;]*)/.exec(csp)![1]!.split(' ');
    expect(connect).toEqual(
      expect.arrayContaining(["'self'", 'https:', 'http://127.0.0.1:*', 'http://minio.lan:9000']),
    );
    expect(connect).not.toContain('http:');
  });

  it('drops an "origin" that would inject a directive', () => {
    const csp = pageCsp({ publicOrigins: ["https://x.com; script-src 'unsafe-inline'"] });
    expect(csp).not.toContain('unsafe-inline\'"');
    expect(csp.match(/script-src/g)).toHaveLength(1);
  });
});
