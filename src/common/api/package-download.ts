/** Browser mode's download of a finished job's package as one .zip (the server streams it). */
export const PACKAGE_ZIP_ROUTE = '/api/package-zip';

export function packageZipUrl(jobId: string): string {
  return `${PACKAGE_ZIP_ROUTE}/${encodeURIComponent(jobId)}`;
}
