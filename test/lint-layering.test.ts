import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function messages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layering is enforced by lint (STYLE.md "One core, three faces")', () => {
  it('src/common may not import Node built-ins', async () => {
    expect(
      await messages('src/common/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n"),
    ).toContainEqual(expect.stringMatching(/no-restricted-imports: .*no Node built-ins/));
  });
  it('the engine may not import Electron or React', async () => {
    expect(
      await messages('src/node/x.ts', "import { app } from 'electron';\nexport const a = app;\n"),
    ).toContainEqual(expect.stringMatching(/never imports Electron/));
    expect(
      await messages('src/common/x.ts', "import React from 'react';\nexport const a = React;\n"),
    ).toContainEqual(expect.stringMatching(/never imports React/));
  });
  it('the renderer may not import Node built-ins or the Node engine', async () => {
    expect(
      await messages('renderer/src/x.ts', "import path from 'path';\nexport const a = path;\n"),
    ).toContainEqual(expect.stringMatching(/runs in a browser/));
    expect(
      await messages(
        'renderer/src/x.ts',
        "import { probeSource } from '../src/node/probe/probe-source.js';\nexport const a = probeSource;\n",
      ),
    ).toContainEqual(expect.stringMatching(/only imports src\/common/));
  });
  it('src/node may use Node built-ins', async () => {
    expect(await messages('src/node/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).toEqual([]);
  });
});
