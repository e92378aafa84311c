import { Alert, List, Text, ThemeIcon } from '@mantine/core';
import type { TargetTestReport as Report, TargetTestStep } from '../../../../src/common/api/studio-api';

const STEP_TITLES: Record<TargetTestStep['step'], string> = {
  list: 'List the bucket',
  put: 'Write a probe object',
  get: 'Read it back',
  delete: 'Delete it',
  cors: 'CORS for browsers',
};

/** What "Test connection" found, step by step, each with the store's own message. */
export function TargetTestReport({ report }: { report: Report }) {
  return (
    <Alert
      color={report.ok ? 'green' : 'red'}
      title={
        report.ok ? `Connection works (${(report.elapsedMs / 1000).toFixed(1)} s)` : 'Connection test failed'
      }
      data-testid="target-test-report"
      data-ok={report.ok}
    >
      <List spacing={4} size="sm" listStyleType="none">
        {report.steps.map((s) => (
          <List.Item
            key={s.step}
            data-testid="target-test-step"
            data-step={s.step}
            data-ok={s.ok}
            icon={
              <ThemeIcon
                color={s.ok ? 'green' : 'red'}
                size={18}
                radius="xl"
                aria-label={s.ok ? 'ok' : 'failed'}
              >
                {s.ok ? '✓' : '✗'}
              </ThemeIcon>
            }
          >
            <Text span fw={500} size="sm">
              {STEP_TITLES[s.step]}
            </Text>
            {s.message && (
              <Text span size="sm">
                {': '}
                {s.message}
              </Text>
            )}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}
