import { Alert, Anchor, Button, Group, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { messageOf, useAction } from '../../state/use-action';
import type { JobResult, JobView, StudioApi, TargetView } from '../../../../src/common/api/studio-api';
import { packageNameProblem } from '../../../../src/common/package-name';
import type { PublishSummary } from '../../../../src/common/publish/publish-events';
import { bytes } from '../format';
import { PackagePreview } from '../package-preview';
import { PublishDestination } from './publish-destination';
import { PublishProgressView } from './publish-progress';
import { usePublishPlan } from './use-publish-plan';
import { VerificationReport } from './verification-report';

const STOPPED_TEXT = {
  failed: 'Publishing failed.',
  cancelled: 'Publishing was cancelled.',
  interrupted: 'Publishing was interrupted (the app stopped).',
} as const;

/** The published package as the preview plays it: same files, fetched from the store's public URL. */
export function publishedResult(result: JobResult, playbackUrl: string): JobResult {
  return { ...result, baseUrl: playbackUrl.slice(0, playbackUrl.lastIndexOf('/') + 1) };
}

/**
 * Publishes one finished job to a target and follows it: progress with cancel, resume after a failure
 * (only what is missing is sent), then the playback URL, embed snippet, a player on the published copy,
 * the remote check and a one-click CORS fix.
 */
export function PublishPanel({ api, job, targets }: { api: StudioApi; job: JobView; targets: TargetView[] }) {
  const [choice, setChoice] = useState<string | null>(null);
  const { pending, error, clearError, run } = useAction<'publish' | 'cancel' | 'cors'>();
  const [corsFixed, setCorsFixed] = useState(false);
  const publish = job.publish;
  const names = targets.map((t) => t.name);
  const preferred = [choice, publish?.target, targets.find((t) => t.isDefault)?.name, names[0]];
  const target = preferred.find((n): n is string => !!n && names.includes(n));
  const publishing = publish?.status === 'publishing';
  // The name in the bucket: the user's edit, else the one it was published under, else the back end's proposal.
  const [nameEdit, setNameEdit] = useState<string>();
  const nameProblem = nameEdit === undefined ? undefined : packageNameProblem(nameEdit);
  const asked = nameEdit ?? publish?.name;
  const destination = usePublishPlan(api, job.id, target, asked, !!job.result && !nameProblem && !publishing);
  const name = asked ?? destination.plan?.name;

  const start = (targetName: string, packageName: string | undefined) =>
    void run('publish', async () => {
      setCorsFixed(false);
      await api.publishJob({
        id: job.id,
        target: targetName,
        ...(packageName ? { name: packageName } : {}),
      });
    });

  if (!job.result)
    return (
      <Paper withBorder p="md" data-testid="publish-panel">
        <Text c="dimmed" size="sm">
          {job.fileName} can be published once its package is done.
        </Text>
      </Paper>
    );

  return (
    <Paper withBorder p="md" data-testid="publish-panel" data-status={publish?.status ?? 'none'}>
      <Stack>
        <Title order={4}>Publish {job.fileName}</Title>
        <Group align="flex-end">
          <Select
            label="Target"
            data={names}
            value={target ?? null}
            onChange={setChoice}
            allowDeselect={false}
            disabled={publishing}
            placeholder={names.length ? undefined : 'No targets yet'}
            w={260}
          />
          <TextInput
            label="Name in the bucket"
            description="The folder of the URL: …/name/master.m3u8"
            value={nameEdit ?? name ?? ''}
            onChange={(e) => setNameEdit(e.currentTarget.value)}
            error={nameProblem}
            disabled={publishing}
            w={320}
            data-testid="publish-name"
          />
        </Group>
        {target && <PublishDestination {...destination} />}
        <Group>
          <Button
            disabled={!target || publishing || !!nameProblem || !name}
            loading={pending === 'publish'}
            onClick={() => target && start(target, name)}
          >
            Publish
          </Button>
        </Group>
        {names.length === 0 && (
          <Text size="sm" c="dimmed">
            Add a publish target (a bucket) first.
          </Text>
        )}

        {publishing && (
          <Group align="flex-start" wrap="nowrap">
            <div style={{ flex: 1 }}>
              <PublishProgressView progress={publish.progress} />
            </div>
            <Button
              color="orange"
              variant="light"
              loading={pending === 'cancel'}
              onClick={() => void run('cancel', () => api.cancelPublish({ id: job.id }))}
            >
              Cancel publish
            </Button>
          </Group>
        )}

        {publish && publish.status !== 'publishing' && publish.status !== 'published' && (
          <Alert
            color={publish.status === 'failed' ? 'red' : 'orange'}
            title={STOPPED_TEXT[publish.status]}
            data-testid="publish-error"
          >
            <Stack gap="xs">
              {publish.error && <Text size="sm">{publish.error.message}</Text>}
              {publish.error?.detail && (
                <Text size="xs" c="dimmed" style={{ whiteSpace: 'pre-wrap' }}>
                  {publish.error.detail}
                </Text>
              )}
              <Group>
                <Button
                  size="compact-sm"
                  loading={pending === 'publish'}
                  disabled={!names.includes(publish.target)}
                  onClick={() => start(publish.target, publish.name)}
                >
                  Resume
                </Button>
                <Text size="xs" c="dimmed">
                  Sends only what {publish.target} does not have yet.
                </Text>
              </Group>
            </Stack>
          </Alert>
        )}

        {publish?.corsProblem && (
          <Alert color="orange" title="Browsers cannot play from this bucket" data-testid="cors-problem">
            <Stack gap="xs">
              <Text size="sm">{publish.corsProblem}</Text>
              {corsFixed ? (
                <Text size="sm" c="green">
                  CORS rules set on {publish.target}. Publish again to check them.
                </Text>
              ) : (
                <Group>
                  <Button
                    size="compact-sm"
                    color="orange"
                    loading={pending === 'cors'}
                    onClick={() =>
                      void run('cors', async () => {
                        await api.fixCors({ name: publish.target });
                        setCorsFixed(true);
                      })
                    }
                  >
                    Fix CORS
                  </Button>
                  <Text size="xs" c="dimmed">
                    Adds a GET/HEAD rule; the bucket&apos;s other CORS rules are kept.
                  </Text>
                </Group>
              )}
            </Stack>
          </Alert>
        )}

        {error && (
          <Alert color="red" withCloseButton onClose={clearError} data-testid="publish-call-error">
            {error}
          </Alert>
        )}

        {publish?.status === 'published' && publish.summary && (
          <Published result={job.result} summary={publish.summary} target={publish.target} />
        )}
      </Stack>
    </Paper>
  );
}

function Published({
  result,
  summary,
  target,
}: {
  result: JobResult;
  summary: PublishSummary;
  target: string;
}) {
  const [playing, setPlaying] = useState(false);
  const [copied, setCopied] = useState<'url' | 'embed'>();
  const [copyError, setCopyError] = useState<string>();
  const copy = async (what: 'url' | 'embed', text: string) => {
    setCopyError(undefined);
    try {
      // Absent outside a secure context (browser mode over plain http from another machine).
      if (!navigator.clipboard) throw new Error('the clipboard is not available on this page');
      await navigator.clipboard.writeText(text);
      setCopied(what);
    } catch (e) {
      setCopied(undefined);
      setCopyError(`Could not copy: ${messageOf(e)}. Select the text and copy it instead.`);
    }
  };
  return (
    <Stack>
      <Stack gap={4}>
        <Text size="sm" fw={500}>
          Published to {target}
          {summary.dryRun ? ' (dry run: nothing was sent)' : ''}
        </Text>
        <Group gap="xs" wrap="nowrap">
          <Anchor
            href={summary.playbackUrl}
            target="_blank"
            rel="noreferrer noopener"
            data-testid="playback-url"
            style={{ wordBreak: 'break-all' }}
          >
            {summary.playbackUrl}
          </Anchor>
          <Button size="compact-sm" variant="light" onClick={() => void copy('url', summary.playbackUrl)}>
            Copy URL
          </Button>
          {copied === 'url' && (
            <Text size="xs" c="green" role="status">
              Copied
            </Text>
          )}
        </Group>
        <Text size="xs" c="dimmed">
          {summary.uploaded} file(s) sent ({bytes(summary.bytesSent)}), {summary.skipped} already there, in{' '}
          {summary.durationSec.toFixed(1)} s
        </Text>
      </Stack>
      <Group>
        <Button variant="light" onClick={() => void copy('embed', summary.embedHtml)}>
          Copy embed snippet
        </Button>
        <Button variant="light" onClick={() => setPlaying((p) => !p)}>
          {playing ? 'Hide published player' : 'Play published'}
        </Button>
        {copied === 'embed' && (
          <Text size="xs" c="green" role="status">
            Embed snippet copied
          </Text>
        )}
      </Group>
      {copyError && (
        <Alert color="yellow" withCloseButton onClose={() => setCopyError(undefined)}>
          {copyError}
        </Alert>
      )}
      {playing && (
        <div data-testid="published-preview">
          <PackagePreview key={summary.playbackUrl} result={publishedResult(result, summary.playbackUrl)} />
        </div>
      )}
      {summary.verification && <VerificationReport verification={summary.verification} />}
    </Stack>
  );
}
