// ESLint 9 flat config. Typed linting for TypeScript; the guard rails that matter most here are the
// import rules for code that runs in Temporal's deterministic workflow sandbox.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import importPlugin from 'eslint-plugin-import';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const nodeBuiltins = [...new Set(builtinModules.map((name) => name.replace(/\/.*$/, '')))].map(escape).join('|');
const BUILTIN = `node:|(?:${nodeBuiltins})(?:/|$)`;
const ALLOWED = String.raw`\.{1,2}/|@temporalio/(?:workflow|common)(?:/|$)`;

/** Each folder of the product and the folders it may import from (besides itself). */
const LAYERS = {
  bin: ['api', 'worker', 'features', 'activities', 'workflows', 'store', 'records', 'platform', 'domain'],
  api: ['features', 'records', 'platform', 'domain', 'store'],
  worker: ['activities', 'workflows', 'store', 'platform', 'domain'],
  features: ['store', 'records', 'platform', 'domain'],
  activities: ['store', 'records', 'platform', 'domain'],
  workflows: ['domain', 'activities'],
  store: ['records', 'platform', 'domain'],
  records: ['domain'],
  platform: ['domain'],
  domain: [],
};

/** import/no-restricted-paths zones: every folder is barred from the folders it may not import. */
function layerZones() {
  const folders = Object.keys(LAYERS);
  return folders.flatMap((target) =>
    folders
      .filter((from) => from !== target && !LAYERS[target].includes(from))
      .map((from) => ({
        target: `./${target}`,
        from: `./${from}`,
        message: `${target}/ may not import ${from}/: a lower layer never imports a higher one (eslint.config.mjs, LAYERS).`,
      })),
  );
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.tools/', '.data/', 'coverage/', 'web/dist/', 'test-artifacts/'] },

  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  importPlugin.flatConfigs.recommended,
  importPlugin.flatConfigs.typescript,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    settings: {
      'import/resolver': { typescript: { project: 'tsconfig.json' }, node: true },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import/no-cycle': 'error',
      // TypeScript resolves names itself; these duplicate it slowly or misread `export =` typings.
      'import/named': 'off',
      'import/namespace': 'off',
      'import/default': 'off',
      'import/no-named-as-default-member': 'off',
    },
  },

  {
    // Workflow code and the domain modules it imports run inside the workflow sandbox: no Node
    // APIs, no I/O, nothing nondeterministic. Type-only imports are erased and stay allowed. The
    // benchmark's bare workflows are bundled for a worker too.
    files: ['workflows/**/*.ts', 'domain/**/*.ts', 'scripts/bench/bare-workflows.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(?:${BUILTIN})`,
              allowTypeImports: true,
              message: 'Node built-ins are not available in the workflow sandbox; do I/O in an activity.',
            },
            {
              regex: `^(?!${ALLOWED}|${BUILTIN})`,
              allowTypeImports: true,
              message:
                'Workflow code may import only relative modules, @temporalio/workflow and @temporalio/common; anything else belongs in an activity.',
            },
          ],
        },
      ],
    },
  },

  {
    // The layers, top to bottom: the processes (bin/) compose everything; the API (HTTP) and the
    // worker (Temporal) sit on the application's use cases (features/) and on the activities; the
    // use cases and the activities use the store; everything uses the platform and the domain. A
    // folder may import only from itself and the folders below it (LAYERS); the rule resolves each
    // import to its file, so type-only imports count too, except where the block after allows them.
    files: ['**/*.ts'],
    ignores: ['test/**', 'scripts/**', 'web/**'],
    rules: { 'import/no-restricted-paths': ['error', { zones: layerZones() }] },
  },

  {
    // HTTP routes parse, call one use case and render a view: no store, no Temporal client, no
    // Mongoose, even as types. The rest of the API renders stored records (types only).
    files: ['api/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['mongoose', '@temporalio/client', '@temporalio/worker'].map((name) => ({
            name,
            message: 'The API reaches the store and Temporal only through a use case (features/).',
          })),
          patterns: [
            {
              regex: String.raw`^(?:\.\./)+store(?:/|$)`,
              allowTypeImports: true,
              message: 'The API reads and writes the store only through a use case (features/).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['api/routes/**/*.ts'],
    rules: {
      'import/no-restricted-paths': [
        'error',
        {
          zones: [
            ...layerZones(),
            { target: './api/routes', from: './store', message: 'Routes call use cases; they do not touch the store.' },
          ],
        },
      ],
    },
  },
  {
    // The worker process loads no HTTP code.
    files: ['worker/**/*.ts', 'bin/worker.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['express', 'helmet', 'swagger-ui-express'].map((name) => ({
            name,
            message: 'The worker process does not load the HTTP stack.',
          })),
          patterns: [
            { regex: String.raw`^(?:\.\./)+(?:api|features)(?:/|$)`, message: 'The worker does not load the API.' },
          ],
        },
      ],
    },
  },

  {
    // The written record's pages render what domain/ builds: pure code, no I/O, so a page can only
    // say what the record says. Relative imports of records/ itself and of domain/ only.
    files: ['records/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: String.raw`^(?!\./|\.\./domain/)`,
              message: 'records/ renders the record from domain/ only: no I/O, no other packages.',
            },
          ],
        },
      ],
    },
  },

  {
    // The console runs in the browser (web/tsconfig.json: DOM, JSX, bundler resolution).
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    settings: { 'import/resolver': { typescript: { project: 'web/tsconfig.json' }, node: true } },
  },

  {
    // Plain scripts the console's build inlines into its page (web/build/*.js).
    files: ['web/build/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } },
  },

  {
    // supertest and Jest hand out `any` bodies and unbound mocks by design.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },

  {
    // Plain JavaScript (this file, jest.config.js, scripts/*.js): no type information.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
);
