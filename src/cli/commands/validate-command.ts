import { StudioError } from '../../common/errors.js';
import type { ValidationReport } from '../../common/validate/validation-report.js';
import { describeStats } from '../../node/validate/http-retry.js';
import { validatePackage } from '../../node/validate/validate-package.js';
import { checkValidateTarget } from '../../node/validate/validate-target.js';
import { EXIT } from '../exit-codes.js';

/**
 * `hls-studio validate <dir|url>`: the report as a table (failures first) or JSON; exit 5 on a MUST
 * failure. Something that is no package (missing path, plain file, folder without master.m3u8, a URL
 * that answers 404) is one line on stderr and the bad-input exit code, thrown as a StudioError.
 */
export async function runValidateCommand(target: string, options: { json: boolean }): Promise<number> {
  await checkValidateTarget(target);
  const report = await validatePackage(target);
  if (report.unreadable) {
    // 4xx: the URL is wrong; otherwise the network failed even after retries.
    const code = /HTTP 4\d\d\b/.test(report.unreadable) ? 'INVALID_ARGUMENT' : 'IO_ERROR';
    throw new StudioError(code, `cannot read the multivariant playlist ${report.unreadable}`, {
      file: target,
    });
  }
  if (options.json) console.log(JSON.stringify(report, null, 2));
  else printReport(report);
  return report.valid ? EXIT.OK : EXIT.INVALID;
}

export function printReport(report: ValidationReport, write: (line: string) => void = console.log): void {
  write(`validation of ${report.target}`);
  for (const r of report.results) {
    const mark = r.status === 'pass' ? '✓' : r.status === 'skip' ? '–' : '✗';
    write(
      `  ${mark} ${r.level.padEnd(6)} ${r.id.padEnd(24)} ${r.title}${r.message ? ` — ${r.message}` : ''}`,
    );
  }
  if (report.network) write(`  network: ${describeStats(report.network)}`);
  const verdict = report.valid ? 'valid' : `INVALID (${report.mustFailures} MUST rule(s) failed)`;
  write(`  ${verdict}${report.shouldFailures ? `, ${report.shouldFailures} SHOULD rule(s) not met` : ''}`);
}
