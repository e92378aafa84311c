import { createRequire } from 'node:module';
import type * as ClientS3 from '@aws-sdk/client-s3';
import type * as CredentialProviders from '@aws-sdk/credential-providers';

const require = createRequire(import.meta.url);
let clientS3: typeof ClientS3 | undefined;
let credentialProviders: typeof CredentialProviders | undefined;

/**
 * The AWS SDK, loaded on first use and with require(). Every CLI command imports the publishing code
 * (through the studio back end), but only a publish needs the SDK; and an ESM `import` of its CommonJS
 * bundle makes Node scan the whole bundle for export names (cjs-module-lexer) on top of compiling it.
 * Together about a third of the CLI's start-up (docs/publishing.md).
 */
export function s3Sdk(): typeof ClientS3 {
  return (clientS3 ??= require('@aws-sdk/client-s3') as typeof ClientS3);
}

/** The AWS credential chain (profiles, SSO, IMDS), only when no key was given. */
export function credentialChain(): typeof CredentialProviders {
  return (credentialProviders ??= require('@aws-sdk/credential-providers') as typeof CredentialProviders);
}
