import { Alert, Button, Code, Group, Text } from '@mantine/core';
import { Component, Fragment, type ErrorInfo, type ReactNode } from 'react';

interface State {
  error?: Error;
  /** Bumped by "Reload this panel": the children mount afresh. */
  generation: number;
}

/**
 * Keeps a render error in one panel from blanking the whole studio (issue 10): the panel shows what
 * failed and a "Reload this panel" action, the others go on working, and the error is logged.
 */
export class PanelBoundary extends Component<
  {
    /** The panel, as the user knows it: "Preset editor", "Queue". */
    name: string;
    /** What is kept and how to get it back, e.g. where the unsaved draft went. */
    note?: string;
    children: ReactNode;
  },
  State
> {
  override state: State = { generation: 0 };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error(`[hls-studio] ${this.props.name} failed to render:`, error, info.componentStack);
  }

  override render() {
    const { error, generation } = this.state;
    if (!error) return <Fragment key={generation}>{this.props.children}</Fragment>;
    return (
      <Alert
        color="red"
        role="alert"
        title={`${this.props.name} stopped working`}
        data-testid="panel-error"
        data-panel={this.props.name}
      >
        <Text size="sm">The rest of the studio still works. What failed:</Text>
        <Code block my="xs" data-testid="panel-error-message">
          {error.message || error.name}
        </Code>
        {this.props.note && (
          <Text size="sm" mb="xs">
            {this.props.note}
          </Text>
        )}
        <Group>
          <Button
            size="xs"
            variant="light"
            color="red"
            onClick={() => this.setState((s) => ({ error: undefined, generation: s.generation + 1 }))}
          >
            Reload this panel
          </Button>
        </Group>
      </Alert>
    );
  }
}
