import { Alert, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useAction } from '../../state/use-action';
import type {
  StudioApi,
  StudioSettings,
  TargetTestReport as Report,
  TargetView,
} from '../../../../src/common/api/studio-api';
import { STORE_PRESETS } from '../../../../src/common/publish/store-presets';
import { TargetFixes, type FormFocus } from './target-fixes';
import { TargetForm } from './target-form';
import { TargetTestReport } from './target-test-report';

/**
 * The saved publish targets: add, edit, test the connection, make one the default, remove. Secrets are
 * never listed, only whether some are saved.
 */
export function TargetsPanel({
  api,
  targets,
  settings,
  onChanged,
}: {
  api: StudioApi;
  targets: TargetView[];
  /** For `credentialStorage`: can keys be saved here, and how safely. */
  settings?: StudioSettings;
  /** Called after a change succeeded (the back end also sends `changed: targets`). */
  onChanged?: () => void;
}) {
  const [form, setForm] = useState<{ editing?: TargetView; focus?: FormFocus }>();
  return (
    <Stack data-testid="targets-panel">
      <Group justify="space-between">
        <Title order={4}>Publish targets</Title>
        <Button onClick={() => setForm({})} disabled={form !== undefined && !form.editing}>
          Add target
        </Button>
      </Group>
      {form && (
        <Paper withBorder p="md">
          <Title order={5} mb="sm">
            {form.editing ? `Edit ${form.editing.name}` : 'New target'}
          </Title>
          <TargetForm
            key={`${form.editing?.name ?? '(new)'}/${form.focus ?? ''}`}
            api={api}
            settings={settings}
            editing={form.editing}
            {...(form.focus ? { focus: form.focus } : {})}
            existingNames={targets.map((t) => t.name)}
            onSaved={() => {
              setForm(undefined);
              onChanged?.();
            }}
            onCancel={() => setForm(undefined)}
          />
        </Paper>
      )}
      {targets.length === 0 && !form && (
        <Text c="dimmed" size="sm">
          No publish targets yet. Add a bucket on Amazon S3, Google Cloud Storage, Cloudflare R2, MinIO or
          another S3-compatible store.
        </Text>
      )}
      {targets.map((target) => (
        <TargetRow
          key={target.name}
          api={api}
          target={target}
          keysSaved={settings?.credentialStorage.available ?? false}
          onEdit={(focus) => setForm({ editing: target, ...(focus ? { focus } : {}) })}
          onChanged={onChanged}
        />
      ))}
    </Stack>
  );
}

function TargetRow({
  api,
  target,
  keysSaved,
  onEdit,
  onChanged,
}: {
  api: StudioApi;
  target: TargetView;
  keysSaved: boolean;
  onEdit: (focus?: FormFocus) => void;
  onChanged?: () => void;
}) {
  const {
    pending: busy,
    error,
    clearError,
    run,
  } = useAction<'test' | 'default' | 'remove' | 'cors' | 'public'>();
  const [report, setReport] = useState<Report>();
  const [confirming, setConfirming] = useState(false);
  const [corsSet, setCorsSet] = useState(false);
  const settings = target.target;
  const bucket = typeof settings.bucket === 'string' ? settings.bucket : '?';
  const prefix = typeof settings.prefix === 'string' && settings.prefix ? `/${settings.prefix}` : '';
  const storeTitle = STORE_PRESETS.find((p) => p.id === target.store)?.title ?? target.store;
  const test = async () => {
    setReport(undefined);
    setCorsSet(false);
    setReport(await api.testTarget({ name: target.name }));
  };

  return (
    <Paper withBorder p="sm" data-testid="target-row" data-name={target.name}>
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Stack gap={2}>
            <Group gap="xs">
              <Text fw={600}>{target.name}</Text>
              {target.isDefault && <Badge color="blue">default</Badge>}
              {target.hasCredentials && (
                <Badge color="teal" variant="light">
                  credentials saved
                </Badge>
              )}
              {target.problem && (
                <Badge color="red" variant="light">
                  problem
                </Badge>
              )}
            </Group>
            <Text size="sm">
              {storeTitle} · {bucket}
              {prefix}
            </Text>
            <Text size="xs" c="dimmed" data-testid="target-public-url">
              {target.publicBaseUrl}
            </Text>
            {target.problem && (
              <Text size="sm" c="red" data-testid="target-problem">
                {target.problem}
              </Text>
            )}
          </Stack>
          <Group gap={4} wrap="nowrap">
            <Button
              size="compact-sm"
              variant="light"
              loading={busy === 'test'}
              onClick={() => void run('test', test)}
            >
              Test
            </Button>
            <Button size="compact-sm" variant="light" onClick={() => onEdit()}>
              Edit
            </Button>
            <Button
              size="compact-sm"
              variant="light"
              disabled={target.isDefault}
              loading={busy === 'default'}
              onClick={() =>
                void run('default', async () => {
                  await api.setDefaultTarget({ name: target.name });
                  onChanged?.();
                })
              }
            >
              Make default
            </Button>
            <Button size="compact-sm" variant="light" color="red" onClick={() => setConfirming(true)}>
              Remove
            </Button>
          </Group>
        </Group>
        {confirming && (
          <Alert color="red" title={`Remove target ${target.name}?`} data-testid="target-remove-confirm">
            <Text size="sm">Packages already published stay in the bucket; only this setting goes.</Text>
            <Group mt="xs">
              <Button
                size="compact-sm"
                color="red"
                loading={busy === 'remove'}
                onClick={() =>
                  void run('remove', async () => {
                    await api.removeTarget({ name: target.name });
                    setConfirming(false);
                    onChanged?.();
                  })
                }
              >
                Yes, remove
              </Button>
              <Button size="compact-sm" variant="default" onClick={() => setConfirming(false)}>
                Keep
              </Button>
            </Group>
          </Alert>
        )}
        {error && (
          <Alert color="red" withCloseButton onClose={clearError} data-testid="target-error">
            {error}
          </Alert>
        )}
        {report && <TargetTestReport report={report} />}
        {report && (
          <TargetFixes
            report={corsSet ? { ...report, steps: report.steps.filter((s) => s.step !== 'cors') } : report}
            actions={{
              publicRead: settings.acl === 'public-read',
              keysSaved,
              ...(busy === 'public' || busy === 'cors' ? { busy } : {}),
              // Saved over the target itself (same name, keys kept), then tested again to show it worked.
              makePublic: () =>
                void run('public', async () => {
                  await api.saveTarget({
                    name: target.name,
                    replaceName: target.name,
                    target: { ...settings, acl: 'public-read' },
                  });
                  onChanged?.();
                  await test();
                }),
              fixCors: () =>
                void run('cors', async () => {
                  await api.fixCors({ name: target.name });
                  setCorsSet(true);
                }),
              edit: onEdit,
            }}
          />
        )}
        {corsSet && (
          <Text size="sm" c="green">
            CORS rules set. Test again to check them.
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
