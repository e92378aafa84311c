import type { Finding } from './fuzz-check.js';

/** One line per finding, grouped by kind: what a failed fuzz test or `npm run fuzz` prints. */
export function formatFindings(findings: Finding[]): string {
  const kinds = [...new Set(findings.map((f) => f.kind))];
  return kinds
    .map((kind) => {
      const of = findings.filter((f) => f.kind === kind);
      return [`${kind} (${of.length}):`, ...of.map((f) => `  ${f.file}: ${f.detail}`)].join('\n');
    })
    .join('\n');
}
