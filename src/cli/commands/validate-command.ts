import type { ValidationReport } from '../../common/validate/validation-report.js';
import { validatePackage } from '../../node/validate/validate-package.js';
import { EXIT } from '../exit-codes.js';

/** `hls-studio validate <dir|url>`: the report as a table (failures first) or JSON; exit 5 on a MUST failure. */
export async function runValidateCommand(target: string, options: { json: boolean }): Promise<number> {
  const report = await validatePackage(target);
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
  const verdict = report.valid ? 'valid' : `INVALID (${report.mustFailures} MUST rule(s) failed)`;
  write(`  ${verdict}${report.shouldFailures ? `, ${report.shouldFailures} SHOULD rule(s) not met` : ''}`);
}
