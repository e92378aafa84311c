import path from 'node:path';
import { startStudioServer, type StudioServer } from '../../src/node/server/studio-server.js';
import { scratchDir } from '../helpers/clips.js';
import { buildRenderer } from '../helpers/renderer-build.js';
import { s3Target, startS3Server, uniqueCredentials, type TestS3 } from '../helpers/s3-server.js';
import { createTestCipher } from '../helpers/test-cipher.js';

/** A fresh `hls-studio serve` and S3 server, with a two-rung ultrafast preset (180p, 270p) as the default. */
export interface TinyLadderStudio {
  server: StudioServer;
  s3: TestS3;
  /** The scratch folder the server's out, upload and state folders are in. */
  work: string;
  /** Saves a publish target on the S3 server under `prefix`, with keys of its own. */
  addTarget(name: string, prefix: string): Promise<void>;
  close(): Promise<void>;
}

export async function startTinyLadderStudio(id: string): Promise<TinyLadderStudio> {
  const [rendererDir, work, s3] = await Promise.all([buildRenderer(), scratchDir(`${id}-`), startS3Server()]);
  const server = await startStudioServer({
    outDir: path.join(work, 'out'),
    uploadDir: path.join(work, 'uploads'),
    stateDir: path.join(work, 'state'),
    rendererDir,
    cipher: createTestCipher(),
  });
  // Two small rungs, quick to encode on a busy machine.
  await server.backend.savePreset({
    preset: {
      id,
      name: `${id} (180/270)`,
      video: { codec: 'h264', speedPreset: 'ultrafast' },
      rungs: [
        { width: 320, height: 180, bitrateKbps: 250 },
        { width: 480, height: 270, bitrateKbps: 500 },
      ],
    },
  });
  await server.backend.setDefaultPreset({ id });
  return {
    server,
    s3,
    work,
    addTarget: async (name, prefix) => {
      await server.backend.saveTarget({
        name,
        target: s3Target(s3, prefix),
        credentials: uniqueCredentials(s3),
      });
    },
    close: async () => {
      await server.close();
      await s3.stop();
    },
  };
}
