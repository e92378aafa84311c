import { Code, Group, Loader, Paper, Stack, Text } from '@mantine/core';
import type { PublishPlan } from '../../../../src/common/api/studio-api';
import { bytes } from '../format';

/** Before the Publish button: where the package goes, the URL players will load, and what will be sent. */
export function PublishDestination({
  plan,
  loading,
  error,
}: {
  plan?: PublishPlan;
  loading: boolean;
  error?: string;
}) {
  return (
    <Paper withBorder p="sm" data-testid="publish-destination" aria-busy={loading}>
      <Stack gap={4}>
        <Group gap="xs">
          <Text size="sm" fw={600}>
            Destination
          </Text>
          {loading && <Loader size="xs" />}
        </Group>
        {error ? (
          <Text size="sm" c="red" data-testid="publish-destination-error">
            {error}
          </Text>
        ) : plan ? (
          <>
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              <Code data-testid="publish-location">{plan.location}</Code>
              {plan.endpoint ? ` at ${plan.endpoint}` : ''}
            </Text>
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              Players will load{' '}
              <Text span fw={500} data-testid="publish-planned-url">
                {plan.playbackUrl}
              </Text>
            </Text>
            <Text size="sm" c="dimmed" data-testid="publish-size">
              {plan.files} {plan.files === 1 ? 'file' : 'files'} · {bytes(plan.bytes)} in all (files already
              in the bucket, unchanged, are not sent again)
            </Text>
          </>
        ) : (
          <Text size="sm" c="dimmed">
            Pick a target to see where the package will go.
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
