import { Badge, Group } from '@mantine/core';
import type { ReactNode } from 'react';

/** The head of an A/B pane: its letter, then its rung menu. */
export function PaneLabel({ letter, children }: { letter: 'A' | 'B'; children: ReactNode }) {
  return (
    <Group gap="xs" wrap="nowrap" data-testid={`pane-${letter.toLowerCase()}`}>
      <Badge
        size="lg"
        variant="filled"
        color={letter === 'A' ? 'blue' : 'orange'}
        aria-label={`Side ${letter}`}
        data-testid="pane-label"
      >
        {letter}
      </Badge>
      {children}
    </Group>
  );
}
