/** The renderer's own pages are served from this origin by the app protocol, never from file://. */
export const APP_SCHEME = 'studio';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
/** Finished packages are served under this scheme, only for packages the app produced. */
export const PACKAGE_SCHEME = 'studio-package';

/** The page may load its own code, media from the package protocol, and blob: (hls.js workers, MSE). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  `img-src 'self' data: blob: ${PACKAGE_SCHEME}:`,
  `media-src 'self' blob: ${PACKAGE_SCHEME}:`,
  `connect-src 'self' ${PACKAGE_SCHEME}:`,
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

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
