import { Anchor, Badge, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import type { RemoteVerification } from '../../../../src/common/publish/publish-events';

/** What fetching the published package back through its public URL found. */
export function VerificationReport({ verification: v }: { verification: RemoteVerification }) {
  return (
    <Paper withBorder p="sm" data-testid="verification-report" data-ok={v.ok}>
      <Stack gap="xs">
        <Group gap="xs">
          <Title order={5}>Remote check</Title>
          <Badge color={v.ok ? 'green' : 'red'}>{v.ok ? 'passed' : 'problems found'}</Badge>
        </Group>
        <Text size="sm">
          Fetched {v.checked} object(s) through {v.baseUrl}; {v.hashed} hashed back against the local files.
        </Text>
        {v.corsHeader !== undefined && (
          <Text size="sm" c={v.corsHeader ? undefined : 'orange'} data-testid="verification-cors">
            {v.corsHeader
              ? 'CORS: responses allow other sites to play the package.'
              : 'CORS: responses carry no Access-Control-Allow-Origin, so players on other sites cannot load it.'}
          </Text>
        )}
        {v.failures.length > 0 && (
          <List size="sm" data-testid="verification-failures">
            {v.failures.map((f) => (
              <List.Item key={f.path}>
                <Anchor href={f.url} target="_blank" rel="noreferrer" size="sm">
                  {f.path}
                </Anchor>
                : {f.problem}
              </List.Item>
            ))}
          </List>
        )}
        {v.validation && (
          <Stack gap={4} data-testid="verification-validation">
            <Text size="sm" c={v.validation.valid ? undefined : 'red'}>
              {v.validation.valid
                ? 'The published package passes validation.'
                : `The published package fails ${v.validation.mustFailures} MUST rule(s).`}
            </Text>
            {v.validation.newFailures.length > 0 && (
              <>
                <Text size="sm">Failing remotely but not locally:</Text>
                <List size="sm">
                  {v.validation.newFailures.map((r) => (
                    <List.Item key={r.id}>
                      <Text span fw={500} size="sm">
                        {r.title}
                      </Text>{' '}
                      ({r.id}){r.message ? `: ${r.message}` : ''}
                    </List.Item>
                  ))}
                </List>
              </>
            )}
          </Stack>
        )}
        {v.notes.length > 0 && (
          <List size="xs" c="dimmed">
            {v.notes.map((n) => (
              <List.Item key={n}>{n}</List.Item>
            ))}
          </List>
        )}
      </Stack>
    </Paper>
  );
}
