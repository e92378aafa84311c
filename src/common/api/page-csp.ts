/**
 * The Content-Security-Policy of the studio's page, for both faces. The page loads only its own code;
 * hls.js needs blob: (its transmuxer worker, MSE); packages come from `packageSources` (the desktop
 * app's package protocol, or the page's own origin in browser mode), and a published copy is played
 * from its bucket or CDN: any https origin, a store on this machine, or a saved target's own origin
 * (a plain-http store on the LAN). Scripts stay 'self' only, whatever the page may fetch.
 */
export function pageCsp(options: {
  packageSources?: string[];
  connectSources?: string[];
  publicOrigins?: string[];
}): string {
  const packages = (options.packageSources ?? []).join(' ');
  // An origin is scheme://host[:port]: anything else (quotes, semicolons) would change the policy.
  const saved = (options.publicOrigins ?? []).filter((o) => /^http:\/\/[\w.-]+(:\d+)?$/.test(o));
  const remote = ['https:', 'http://127.0.0.1:*', 'http://localhost:*', ...saved].join(' ');
  const list = (...sources: string[]) => sources.filter(Boolean).join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src ${list("'self' data: blob:", packages, remote)}`,
    `media-src ${list("'self' blob:", packages)}`,
    `connect-src ${list("'self'", packages, ...(options.connectSources ?? []), remote)}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
