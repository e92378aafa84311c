import { pageCsp } from '../../src/common/api/page-csp.js';

/** The renderer's own pages are served from this origin by the app protocol, never from file://. */
export const APP_SCHEME = 'studio';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
/** Finished packages are served under this scheme, only for packages the app produced. */
export const PACKAGE_SCHEME = 'studio-package';
/** `studio-package://live/<job id>/…`: a running job's live preview (packages are under host `p`). */
export const LIVE_HOST = 'live';

/** The page's CSP: packages from the package protocol, published copies from the targets' origins. */
export function contentSecurityPolicy(publicOrigins: string[] = []): string {
  return pageCsp({ packageSources: [`${PACKAGE_SCHEME}:`], publicOrigins });
}
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

/**
 * Is this one of the app's own pages? Compared by scheme and host: for a custom scheme, URL.origin is
 * "null", so an origin comparison would not tell pages apart.
 */
export function isAppUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === 'app';
  } catch {
    return false;
  }
}

/** Only the app's own pages may call the API. */
export const isTrustedFrameUrl = isAppUrl;

/**
 * A link the user clicked, if it may be handed to the system browser: http(s) only, re-serialised by
 * the URL parser (no `file:`, `smb:`, custom app schemes or other handlers an OS would launch).
 */
export function externalLink(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}
