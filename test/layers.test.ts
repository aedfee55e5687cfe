/**
 * The layering is enforced by lint (eslint.config.mjs): each case lints a snippet as if it were a
 * file of a layer and expects the import to be refused, or accepted. Type-aware rules are switched
 * off for the snippets, which are not files of the TypeScript project.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * Lints each snippet as the file it names, in a child process: ESLint loads its flat config with a
 * dynamic import, which Jest's module sandbox does not allow.
 */
const LINT_SNIPPETS = `
const { ESLint } = require('eslint');
const tseslint = require('typescript-eslint');
const eslint = new ESLint({
  overrideConfig: [
    { files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked },
    { files: ['**/*.ts'], rules: { 'import/no-cycle': 'off' } },
  ],
});
(async () => {
  const out = [];
  for (const [filePath, code] of JSON.parse(process.argv[1])) {
    const [result] = await eslint.lintText(code, { filePath });
    out.push(result.messages.map((m) => m.ruleId ?? m.message));
  }
  process.stdout.write(JSON.stringify(out));
})();
`;

const refused = [
  [
    'api/routes/probe.ts',
    "import { createModels as x } from '../../store/models';",
    ['@typescript-eslint/no-restricted-imports', 'import/no-restricted-paths'],
  ],
  ['api/routes/probe.ts', "import type { TaskDoc as x } from '../../store/models';", ['import/no-restricted-paths']],
  [
    'api/routes/probe.ts',
    "import { Client as x } from '@temporalio/client';",
    ['@typescript-eslint/no-restricted-imports'],
  ],
  ['api/probe.ts', "import x from 'mongoose';", ['@typescript-eslint/no-restricted-imports']],
  ['worker/probe.ts', "import x from 'express';", ['@typescript-eslint/no-restricted-imports']],
  [
    'worker/probe.ts',
    "import { createApp as x } from '../api/app';",
    ['@typescript-eslint/no-restricted-imports', 'import/no-restricted-paths'],
  ],
  ['features/probe.ts', "import { createApp as x } from '../api/app';", ['import/no-restricted-paths']],
  [
    'activities/probe.ts',
    "import { decideTask as x } from '../features/tasks/use-cases';",
    ['import/no-restricted-paths'],
  ],
  ['platform/probe.ts', "import { createModels as x } from '../store/models';", ['import/no-restricted-paths']],
  ['domain/probe.ts', "import { createModels as x } from '../store/models';", ['import/no-restricted-paths']],
] as const;

const accepted = [
  ['api/routes/probe.ts', "import { decideTask as x } from '../../features/tasks/use-cases';"],
  ['api/probe.ts', "import type { TaskDoc as x } from '../store/models';"],
  ['features/probe.ts', "import { createModels as x } from '../store/models';"],
  ['bin/probe.ts', "import { createApp as x } from '../api/app';"],
] as const;

let verdicts: string[][];
beforeAll(async () => {
  const snippets = [...refused, ...accepted].map(([file, imports]) => [file, `${imports}\nexport const used = [x];\n`]);
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', LINT_SNIPPETS, JSON.stringify(snippets)], {
    cwd: path.join(__dirname, '..'),
  });
  verdicts = JSON.parse(stdout) as string[][];
}, 60_000);

test.each(refused.map((c, i) => [...c, i] as const))(
  'when %s imports a layer above it or outside its own (%s), lint refuses it',
  (_file, _imports, rules, i) => {
    expect([...verdicts[i]].sort()).toEqual([...rules].sort());
  },
);

test.each(accepted.map((c, i) => [...c, refused.length + i] as const))(
  'when %s imports a layer below it (%s), lint accepts it',
  (_file, _imports, i) => {
    expect(verdicts[i]).toEqual([]);
  },
);
