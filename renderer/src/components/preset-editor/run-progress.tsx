import { Group, Progress, Text } from '@mantine/core';

/** A back-end run's progress in the editor (excerpt, per-title analysis): a bar and its percentage. */
export function RunProgress(props: { ratio?: number; label: string; testId: string }) {
  const { ratio } = props;
  return (
    <Group gap="xs" wrap="nowrap" data-testid={props.testId}>
      <Progress
        value={(ratio ?? 0) * 100}
        animated={ratio === undefined}
        striped
        style={{ flex: 1 }}
        aria-label={props.label}
      />
      <Text size="xs" ff="monospace" w={40}>
        {ratio === undefined ? '…' : `${Math.round(ratio * 100)}%`}
      </Text>
    </Group>
  );
}
