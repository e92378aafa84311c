import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Queue, QueueKeys, Worker } from 'bullmq';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap, Namespace, Secret, type IContainer, type IPodSpec } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { NO_REDIS_MESSAGE, REDIS_SERVER, startRedis } from '../helpers/redis-server.js';
import { DEFAULT_QUEUE_NAME } from '../../src/node/farm/encode-job.js';

// No cluster runs here: every manifest in deploy/kubernetes is parsed, validated against the Kubernetes
// (and KEDA) schemas, and held to our own rules — the ones a schema cannot know.

const execFileAsync = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const DIR = path.join(REPO, 'deploy/kubernetes');
const CLI_MAIN = path.join(REPO, 'src/cli/main.ts');

const MODELS = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': TriggerAuthentication,
} as const;
type Kind = keyof typeof MODELS;
type Model = InstanceType<(typeof MODELS)[Kind]>;

interface Doc {
  file: string;
  raw: Record<string, unknown>;
}

function readDocs(): Doc[] {
  const docs: Doc[] = [];
  for (const file of readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml')) {
    for (const doc of parseAllDocuments(readFileSync(path.join(DIR, file), 'utf8'))) {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      docs.push({ file, raw: doc.toJS() as Record<string, unknown> });
    }
  }
  return docs;
}

const docs = readDocs();
const kindOf = (d: Doc) => `${String(d.raw.apiVersion)}/${String(d.raw.kind)}`;
const model = (d: Doc): Model => new MODELS[kindOf(d) as Kind](d.raw as never);
function one<K extends Kind>(kind: K): InstanceType<(typeof MODELS)[K]> {
  const found = docs.filter((d) => kindOf(d) === kind);
  expect(found, kind).toHaveLength(1);
  return model(found[0]!) as InstanceType<(typeof MODELS)[K]>;
}

const deployment = one('apps/v1/Deployment');
const job = one('batch/v1/Job');
const scaledObject = one('keda.sh/v1alpha1/ScaledObject');
const triggerAuth = one('keda.sh/v1alpha1/TriggerAuthentication');
const secret = one('v1/Secret');
const config = one('v1/ConfigMap');
const triggerKeys = scaledObject.spec!.triggers.map((t) => (t.metadata as Record<string, string>).listName!);
/** The BullMQ queue the ScaledObject watches (`bull:<queue>:wait`). */
const queueName = /^bull:(.+):wait$/.exec(triggerKeys[0] ?? '')?.[1] ?? '';
const workerPod = deployment.spec!.template.spec!;
const worker = workerPod.containers[0]!;
const pods: [string, IPodSpec][] = [
  ['worker Deployment', workerPod],
  ['encode Job', job.spec!.template.spec!],
];

/** The uid the Dockerfile's runtime stage runs as (`USER 10001:10001`). */
const imageUid = Number(/^USER (\d+)/m.exec(readFileSync(path.join(REPO, 'Dockerfile'), 'utf8'))?.[1]);

/** `hls-studio <command> --help` of the real CLI: its commands and options, or undefined if no such command. */
async function cliHelp(command?: string): Promise<string | undefined> {
  try {
    const args = ['--import', 'tsx', CLI_MAIN, ...(command ? [command] : []), '--help'];
    return (await execFileAsync(process.execPath, args, { cwd: REPO, timeout: 60_000 })).stdout;
  } catch {
    return undefined;
  }
}

/** The value after `flag` in the container's args. */
function argAfter(container: IContainer, flag: string): string | undefined {
  const args = container.args ?? [];
  return args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined;
}

/** The names in `$(NAME)` references. */
function varsIn(text: string): string[] {
  return [...text.matchAll(/\$\(([A-Z0-9_]+)\)/g)].map((m) => m[1]!);
}

/** The worker's Redis: `--queue`, or env HLS_STUDIO_QUEUE (src/cli/commands/jobs-command.ts). */
const queueUrl =
  argAfter(worker, '--queue') ?? worker.env?.find((e) => e.name === 'HLS_STUDIO_QUEUE')?.value ?? '';

function envNames(container: IContainer): Set<string> {
  return new Set((container.env ?? []).map((e) => e.name));
}

describe('deploy/kubernetes manifests', () => {
  it.each(docs.map((d) => [`${d.file}: ${String(d.raw.kind)}`, d] as const))(
    '%s is valid against the Kubernetes schemas',
    (_, doc) => {
      expect(Object.keys(MODELS), `${doc.file}: a kind this test knows`).toContain(kindOf(doc));
      expect(() => model(doc).validate()).not.toThrow();
    },
  );

  it('the schemas are checked for real: a wrong type is refused', () => {
    const broken = structuredClone(deployment.toJSON()) as { spec: { replicas: unknown } };
    broken.spec.replicas = 'two';
    expect(() => new Deployment(broken as never).validate()).toThrow(/replicas/);
  });

  it('kustomization.yaml lists every manifest but the Secret template and the one-off Job', () => {
    const kustomization = parseAllDocuments(
      readFileSync(path.join(DIR, 'kustomization.yaml'), 'utf8'),
    )[0]!.toJS() as {
      resources: string[];
      images: { name: string }[];
    };
    const files = [...new Set(docs.map((d) => d.file))];
    expect(kustomization.resources.sort()).toEqual(
      files.filter((f) => f !== 'secret.example.yaml' && f !== 'encode-job.yaml').sort(),
    );
    expect(kustomization.images.map((i) => i.name)).toEqual([worker.image!.split(':')[0]]);
  });

  it.each(pods)(
    '%s: non-root as the image’s user, read-only root, no privilege, /tmp an emptyDir',
    (_, pod) => {
      expect(imageUid).toBeGreaterThan(0);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: imageUid });
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const container of pod.containers) {
        expect(container.securityContext).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        });
        const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
        expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir, 'an emptyDir on /tmp').toBeDefined();
        expect(container.env?.find((e) => e.name === 'TMPDIR')?.value).toBe('/tmp');
        // The config folder must be writable with a read-only root (src/node/config-dir.ts reads this).
        expect(container.env?.find((e) => e.name === 'HLS_STUDIO_CONFIG_DIR')?.value).toMatch(/^\/tmp\//);
        for (const kind of ['requests', 'limits'] as const)
          expect(Object.keys(container.resources?.[kind] ?? {}), kind).toEqual(
            expect.arrayContaining(['cpu', 'memory', 'ephemeral-storage']),
          );
      }
    },
  );

  it('the pod outlives the worker’s own grace period by 30 s or more: the hand-back happens before SIGKILL', () => {
    const workerGrace = Number(argAfter(worker, '--grace-period'));
    expect(workerGrace).toBeGreaterThan(0);
    expect(workerPod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(workerGrace + 30);
  });

  it('every $(VAR) is defined before it is used (Kubernetes leaves an unknown one as text)', () => {
    for (const [, pod] of pods)
      for (const container of pod.containers) {
        for (const arg of container.args ?? [])
          for (const name of varsIn(arg)) expect(envNames(container)).toContain(name);
        const env = container.env ?? [];
        env.forEach((entry, index) => {
          const earlier = env.slice(0, index).map((e) => e.name);
          for (const name of varsIn(entry.value ?? '')) expect(earlier, entry.name).toContain(name);
        });
      }
  });

  it('every Secret and ConfigMap key the pods read exists in the template and the ConfigMap', () => {
    const secretKeys = Object.keys(secret.stringData ?? {});
    const configKeys = Object.keys(config.data ?? {});
    for (const [, pod] of pods)
      for (const container of pod.containers)
        for (const env of container.env ?? []) {
          const fromSecret = env.valueFrom?.secretKeyRef;
          const fromConfig = env.valueFrom?.configMapKeyRef;
          if (fromSecret)
            expect([fromSecret.name, secretKeys]).toEqual([
              secret.metadata!.name,
              expect.arrayContaining([fromSecret.key]),
            ]);
          if (fromConfig)
            expect([fromConfig.name, configKeys]).toEqual([
              config.metadata!.name,
              expect.arrayContaining([fromConfig.key]),
            ]);
        }
    for (const ref of triggerAuth.spec!.secretTargetRef ?? []) {
      expect(ref.name).toBe(secret.metadata!.name);
      expect(secretKeys).toContain(ref.key);
    }
  });

  it('the Secret’s keys are the credential names the CLI reads (src/node/publish) or ones the args use', () => {
    const publishSources = readdirSync(path.join(REPO, 'src/node/publish'))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => readFileSync(path.join(REPO, 'src/node/publish', f), 'utf8'))
      .join('\n');
    const cliEnv = new Set([...publishSources.matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]));
    expect(cliEnv).toContain('S3_ACCESS_KEY_ID');
    const queueVars = new Set(varsIn(queueUrl));
    for (const key of Object.keys(secret.stringData ?? {})) {
      expect(
        cliEnv.has(key) || queueVars.has(key),
        `${key}: read by the CLI or part of the worker's queue URL`,
      ).toBe(true);
      expect(envNames(worker), `${key}: given to the worker`).toContain(key);
    }
    // No real secret in the template.
    for (const value of Object.values(secret.stringData ?? {})) expect(value).toMatch(/^REPLACE-WITH-/);
  });

  it('the KEDA triggers read the keys BullMQ writes, on the worker’s Redis, one job per pod', () => {
    expect(scaledObject.spec!.scaleTargetRef.name).toBe(deployment.metadata!.name);
    // The worker in the Deployment names no --queue-name: it pulls from the CLI's default queue.
    expect(argAfter(worker, '--queue-name') ?? DEFAULT_QUEUE_NAME).toBe(queueName);
    const db = /\/(\d+)$/.exec(queueUrl)?.[1];
    const concurrency = argAfter(worker, '--concurrency');
    const bullKeys = new QueueKeys().getKeys(queueName);
    for (const trigger of scaledObject.spec!.triggers) {
      const meta = trigger.metadata as Record<string, string>;
      expect(trigger.type).toBe('redis');
      expect(Object.values(bullKeys)).toContain(meta.listName);
      expect(meta.databaseIndex).toBe(db);
      expect(meta.listLength).toBe(concurrency);
      expect(queueUrl).toContain(`$(${meta.addressFromEnv})`);
      expect(envNames(worker)).toContain(meta.addressFromEnv);
      expect(trigger.authenticationRef?.name).toBe(triggerAuth.metadata!.name);
    }
    expect(triggerKeys).toEqual([bullKeys.wait, bullKeys.prioritized, bullKeys.active]);
  });

  it('the args name real commands and options of the CLI', async (ctx) => {
    const top = await cliHelp();
    const commands = new Set([...(top ?? '').matchAll(/^ {2}([a-z][\w-]*)\b/gm)].map((m) => m[1]));
    expect(commands).toContain('encode');
    const missing: string[] = [];
    for (const [name, pod] of pods) {
      const args = pod.containers[0]!.args!;
      if (!commands.has(args[0])) {
        missing.push(`${name}: \`hls-studio ${args[0]}\``);
        continue;
      }
      const help = await cliHelp(args[0]);
      for (const flag of args.filter((a) => a.startsWith('--')))
        expect(help, `${args[0]} ${flag}`).toContain(flag);
    }
    // `worker` is being built beside this (issue 16 §2): until it lands, say so instead of passing.
    if (missing.length) ctx.skip(`not in the CLI yet: ${missing.join(', ')}`);
  });
});

describe.skipIf(!REDIS_SERVER)(
  `the KEDA triggers on a real Redis with BullMQ${REDIS_SERVER ? '' : ` (skipped: ${NO_REDIS_MESSAGE})`}`,
  () => {
    it('wait and active are lists, prioritized a sorted set, and what KEDA counts in them is the jobs', async () => {
      const redis = await startRedis();
      const connection = redis.connection;
      const queue = new Queue(queueName, { connection });
      let worker: Worker | undefined;
      let release = () => {};
      try {
        const client = await queue.getBackend().client;
        // What KEDA's redis scaler does: LLEN for a list, ZCARD for a sorted set (it asks TYPE first).
        const kedaCount = (key: string) => client.llen(key).catch(() => client.zcard(key));
        const counts = async () => Promise.all(triggerKeys.map(kedaCount));
        await queue.add('encode', { n: 1 });
        await queue.add('encode', { n: 2 });
        await queue.add('encode', { n: 3 }, { priority: 5 });
        await expect(client.llen(triggerKeys[1]!), 'prioritized is a sorted set').rejects.toThrow(
          /WRONGTYPE/,
        );
        await expect(client.zcard(triggerKeys[0]!), 'wait is a list').rejects.toThrow(/WRONGTYPE/);
        expect(await counts()).toEqual([2, 1, 0]);

        // The pitfall the ScaledObject's comment names: a paused queue keeps its jobs in the wait list.
        await queue.pause();
        expect(await counts()).toEqual([2, 1, 0]);
        await queue.resume();

        const held = new Promise<void>((resolve) => (release = resolve));
        let started = () => {};
        const running = new Promise<void>((resolve) => (started = resolve));
        worker = new Worker(
          queueName,
          async () => {
            started();
            await held;
          },
          { connection, concurrency: 1 },
        );
        await running;
        await expect(client.zcard(triggerKeys[2]!), 'active is a list').rejects.toThrow(/WRONGTYPE/);
        const [wait, prioritized, active] = await counts();
        expect({ waiting: wait! + prioritized!, active }).toEqual({ waiting: 2, active: 1 });
      } finally {
        release();
        await worker?.close();
        await queue.close();
        await redis.dispose();
      }
    });
  },
);
