import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import type { TargetTestReport, TargetTestStep } from '../../../../src/common/api/studio-api';

/** Which field of the target form a fix opens at. */
export type FormFocus = 'credentials' | 'publicBaseUrl' | 'profile';

export interface FixActions {
  /** The target's objects are uploaded public-read already (making them so again cannot help). */
  publicRead: boolean;
  /** Keys can be saved in the app (else the back end's own AWS credential chain is used). */
  keysSaved: boolean;
  busy?: 'public' | 'cors';
  makePublic(): void;
  fixCors(): void;
  edit(focus: FormFocus): void;
}

const statusText = (step: TargetTestStep) => (step.status ? ` (HTTP ${step.status})` : '');

/**
 * What a failed connection test means, in the app's words, with a button that does the fix: make the
 * uploads public or give a public address (players refused), enter other keys (the store refused
 * them), or set the bucket's CORS rules (browsers refused). The store's own words stay in the report.
 */
export function TargetFixes({ report, actions }: { report: TargetTestReport; actions: FixActions }) {
  // A CORS step is fixed by CORS rules whether or not the back end said so (older reports did not).
  const fixOf = (s: TargetTestStep) => s.fix ?? (s.step === 'cors' ? 'cors' : undefined);
  const failed = (fix: TargetTestStep['fix']) => report.steps.find((s) => !s.ok && fixOf(s) === fix);
  const unreadable = failed('public-read');
  const refused = failed('credentials');
  const cors = failed('cors');
  if (!unreadable && !refused && !cors) return null;
  return (
    <Stack gap="xs" data-testid="target-fixes">
      {refused && (
        <Alert color="red" title="The store refused the keys" data-testid="target-fix" data-fix="credentials">
          <Stack gap="xs">
            <Text size="sm">
              {refused.step === 'list' ? 'Listing' : 'Writing to'} the bucket was refused{statusText(refused)}
              : the keys are wrong or expired, or they are not allowed to use this bucket.
              {actions.keysSaved
                ? ' Enter the keys again, or keys of a user with access to it.'
                : ' Here the server’s own AWS credentials are used (its environment, ~/.aws or SSO): pick a profile that has access, or fix them on the server.'}
            </Text>
            <Group>
              <Button
                size="compact-sm"
                onClick={() => actions.edit(actions.keysSaved ? 'credentials' : 'profile')}
              >
                {actions.keysSaved ? 'Re-enter keys…' : 'Choose a profile…'}
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
      {unreadable && (
        <Alert
          color="orange"
          title="Players cannot read from this bucket"
          data-testid="target-fix"
          data-fix="public-read"
        >
          <Stack gap="xs">
            <Text size="sm">
              The test file was written, but reading it back without keys, as a viewer’s player does, was
              refused{statusText(unreadable)}. Let players read the files: make each uploaded file public, or
              give the address of a CDN or custom domain that serves the bucket.
            </Text>
            <Group>
              {!actions.publicRead && (
                <Button
                  size="compact-sm"
                  color="orange"
                  loading={actions.busy === 'public'}
                  onClick={actions.makePublic}
                >
                  Make uploaded files public
                </Button>
              )}
              <Button size="compact-sm" variant="light" onClick={() => actions.edit('publicBaseUrl')}>
                Set a public address…
              </Button>
            </Group>
            {actions.publicRead && (
              <Text size="xs" c="dimmed">
                Files are uploaded public already: the bucket itself blocks public access (its settings or
                policy), or a public address is needed.
              </Text>
            )}
          </Stack>
        </Alert>
      )}
      {cors && (
        <Group>
          <Button
            size="compact-sm"
            color="orange"
            loading={actions.busy === 'cors'}
            onClick={actions.fixCors}
          >
            Set CORS rules
          </Button>
          <Text size="xs" c="dimmed">
            Adds a GET/HEAD rule so browsers can play from the bucket; its other CORS rules are kept.
          </Text>
        </Group>
      )}
    </Stack>
  );
}
