// The layer rule of eslint.config.mjs: each layer imports only what it may
// (docs/ARCHITECTURE.md), and a forbidden import fails lint with a message
// naming the layer and the target.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import { ROOT } from '../lib/env';

const eslint = new ESLint({ cwd: ROOT });

/** The layer rule's messages for `code` placed at `file` (relative to the repository). */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: `${ROOT}/${file}` });
  return r.messages.filter((m) => m.ruleId === 'xdpscope/layers').map((m) => m.message);
}

const cases: Array<[file: string, code: string, forbidden: RegExp | null]> = [
  // the engine: no face, no Electron
  ['main/engine/dissect/x.ts', "import { main } from '../../cli/main';", /the engine may not import main\/cli\/main/],
  ['main/engine/service/x.ts', "import { UiServer } from '../../server/server';", /the engine may not import main\/server\/server/],
  ['main/engine/x.ts', "import { app } from 'electron';", /the engine may not import 'electron'/],
  ['main/engine/x.ts', "const r = require('../../renderer/store');", /the engine may not import renderer\/store/],
  ['main/engine/service/x.ts', "import type { Status } from '../../api/types';", null],
  ['main/engine/service/x.ts', "import { Dissector } from '../dissect/index';", null],
  // the renderer: main/api only, no Node built-ins
  ['renderer/components/X.tsx', "import type { Alert } from '../../main/engine/insights/alert';", /renderer may not import main\/engine\/insights\/alert/],
  ['renderer/x.ts', "import { readFileSync } from 'node:fs';", /renderer may not import 'node:fs'/],
  ['renderer/x.ts', "import type { Status } from '../main/api/types';", null],
  ['renderer/x.ts', "import { create } from 'zustand';", null],
  // the API: nothing of the engine
  ['main/api/x.ts', "import type { Dissection } from '../engine/types';", /main\/api may not import main\/engine\/types/],
  ['main/api/x.ts', "import { z } from 'zod';", null],
  // faces: the engine through its public entry only
  ['main/cli/commands/x.ts', "import { Dissector } from '../../engine/dissect/index';", /face main\/cli may not import main\/engine\/dissect\/index/],
  ['main/electron/x.ts', "export { EngineClient } from '../engine/service/client';", /face main\/electron may not import main\/engine\/service\/client/],
  ['main/cli/commands/x.ts', "const load = () => import('../../engine/output/text');", /face main\/cli may not import main\/engine\/output\/text/],
  ['main/cli/commands/x.ts', "import { Dissector } from '../../engine/index';", null],
  ['main/server/x.ts', "import { encodeMessage } from '../api/codec';", null],
  // tests may reach anything
  ['test/x.test.ts', "import { Dissector } from '../main/engine/dissect/index';", null],
];

for (const [file, code, forbidden] of cases) {
  test(`${file}: ${code} is ${forbidden ? 'rejected' : 'allowed'}`, async () => {
    const errors = await layerErrors(file, code);
    if (!forbidden) assert.deepEqual(errors, []);
    else {
      assert.equal(errors.length, 1, `one layer error for ${code} in ${file}, got ${JSON.stringify(errors)}`);
      assert.match(errors[0], forbidden);
    }
  });
}
