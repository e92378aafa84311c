import { Button, Menu, Text, Tooltip } from '@mantine/core';
import { createContext, useContext } from 'react';
import type { FarmView } from '../../../../src/common/api/farm-api';
import type { JobView, StudioApi } from '../../../../src/common/api/studio-api';
import { useAction } from '../../state/use-action';

/** What a queue row needs to offer "Send to farm": the API and the saved farms. */
export const FarmContext = createContext<{ api: StudioApi; farms: FarmView[] } | undefined>(undefined);

/**
 * "Send to farm" on a queue row that is not encoded yet: one button for one farm, a menu for several.
 * A farm that cannot read files from this computer (no shared folder) says why beside its name, and
 * sending to it anyway fails with that reason under the button.
 */
export function SendToFarmButton({ job }: { job: JobView }) {
  const context = useContext(FarmContext);
  const action = useAction<'send'>();
  if (!context || context.farms.length === 0 || job.status === 'done') return null;
  const { api, farms } = context;
  const send = (farm: FarmView) =>
    void action.run('send', () => api.sendToFarm({ jobId: job.id, farm: farm.name }).then(() => undefined));
  const error = action.error && (
    <Text size="xs" c="red" data-testid="send-to-farm-error" maw={260}>
      {action.error}
    </Text>
  );
  const button = (label: string, onClick?: () => void) => (
    <Button
      size="compact-sm"
      variant="light"
      color="grape"
      loading={action.pending === 'send'}
      data-testid="send-to-farm"
      {...(onClick ? { onClick } : {})}
    >
      {label}
    </Button>
  );
  if (farms.length === 1) {
    const farm = farms[0]!;
    return (
      <>
        <Tooltip
          label={farm.sourceProblem ?? `Encode on ${farm.name} instead of this computer`}
          multiline
          w={260}
        >
          {button('Send to farm', () => send(farm))}
        </Tooltip>
        {error}
      </>
    );
  }
  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>{button('Send to farm…')}</Menu.Target>
        <Menu.Dropdown>
          {farms.map((farm) => (
            <Menu.Item key={farm.name} onClick={() => send(farm)} data-testid="send-to-farm-choice">
              <Text size="sm">{farm.name}</Text>
              {farm.sourceProblem && (
                <Text size="xs" c="dimmed" maw={260}>
                  {farm.sourceProblem}
                </Text>
              )}
            </Menu.Item>
          ))}
        </Menu.Dropdown>
      </Menu>
      {error}
    </>
  );
}
