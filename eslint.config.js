// Lint: typescript-eslint's recommended rules, and the direction of imports between folders.
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import { importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';

/**
 * The layers, bottom first: what each product folder may import. Anything not listed is out of
 * bounds, and product code never imports test/, bench/ or scripts/. docs/architecture.md explains it.
 */
export const LAYERS = {
  dsl: [],
  'http-guard': [],
  review: [],
  codec: ['http-guard'],
  destinations: ['dsl', 'http-guard'],
  store: ['dsl'],
  temporal: ['codec'],
  goals: ['dsl', 'store'],
  activities: ['dsl', 'destinations', 'store'],
  workflows: ['dsl', 'activities', 'store'],
  dev: ['codec', 'temporal', 'workflows'],
  ingest: ['dsl', 'store', 'goals', 'workflows', 'codec', 'temporal', 'http-guard'],
  studio: ['dsl', 'store', 'goals', 'activities', 'workflows', 'temporal', 'http-guard', 'review'],
  worker: ['dsl', 'destinations', 'store', 'goals', 'activities', 'workflows', 'codec', 'temporal', 'http-guard'],
  lsp: ['dsl'],
  cli: [
    'dsl',
    'lsp',
    'http-guard',
    'destinations',
    'store',
    'goals',
    'activities',
    'workflows',
    'codec',
    'temporal',
    'dev',
    'ingest',
    'studio',
    'worker',
    'review',
  ],
  bin: ['cli'],
};
const FOLDERS = [...Object.keys(LAYERS), 'test', 'bench', 'scripts'];

/**
 * dsl/'s stages, in the order a flow file goes through them: what each may import. language/ is
 * what runs inside workflows (pure, no I/O); load/ alone reads flow files and the config.
 */
export const DSL_STAGES = {
  language: [],
  parse: ['language'],
  compile: ['language', 'parse'],
  validate: ['language', 'parse', 'compile'],
  edit: ['language', 'parse'],
  load: ['language', 'parse', 'compile', 'validate', 'edit'],
};

/**
 * What a stage may not import beyond the stage rules: dsl/edit/ is bundled into the studio's
 * browser client, so no Node module, and of parse/ only the walkers (source.ts uses node:module).
 */
const DSL_STAGE_LIMITS = {
  edit: [
    { group: ['node:*'], message: 'dsl/edit/ runs in the browser (the studio bundles it): no Node modules' },
    {
      group: ['../parse/*', '!../parse/walk.ts'],
      message: 'dsl/edit/ runs in the browser: of dsl/parse/ it may import only walk.ts (source.ts uses node:module)',
    },
  ],
};

/** Folders that may import only some of dsl/'s stages: workflow code runs in Temporal's sandbox. */
const DSL_STAGES_ALLOWED = { workflows: ['language'] };

// Relative specifiers reach another top-level folder as ../x/ up to ../../../../x/.
const reaching = (folder, depths = [1, 2, 3, 4]) => depths.map((depth) => `${'../'.repeat(depth)}${folder}/**`);

const layerMessage = (folder, allowed, other) =>
  `${folder}/ may import only ${allowed.length ? allowed.join(', ') : 'its own files'} (docs/architecture.md): ${other}/ is above it or beside it`;

/** The patterns a folder's files may not import: folders above or beside it, and dsl/ stages it may not use. */
const forbidden = (folder) => {
  const allowed = LAYERS[folder];
  const folders = FOLDERS.filter((other) => other !== folder && !allowed.includes(other)).map((other) => ({
    group: reaching(other),
    message: layerMessage(folder, allowed, other),
  }));
  const stages = (DSL_STAGES_ALLOWED[folder] ?? []).length
    ? Object.keys(DSL_STAGES)
        .filter((stage) => !DSL_STAGES_ALLOWED[folder].includes(stage))
        .map((stage) => ({
          group: reaching(`dsl/${stage}`),
          message: `${folder}/ may import only dsl/${DSL_STAGES_ALLOWED[folder].join(', dsl/')} (docs/architecture.md): dsl/${stage}/ does not run inside workflows`,
        }))
    : [];
  return [...folders, ...stages];
};

/** Every product folder's sources (not tests, benchmarks or tools). */
const PRODUCT_FILES = Object.keys(LAYERS).map((folder) => `${folder}/**/*.ts`);

const layerRules = Object.keys(LAYERS).map((folder) => ({
  files: [`${folder}/**/*.ts`, `${folder}/**/*.js`],
  rules: { 'no-restricted-imports': ['error', { patterns: forbidden(folder) }] },
}));

// A stage's files: dsl/'s own bounds, and the stages after it (one rule entry: a later one would replace, not add).
const stageRules = Object.entries(DSL_STAGES).map(([stage, allowed]) => ({
  files: [`dsl/${stage}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...forbidden('dsl'),
          ...Object.keys(DSL_STAGES)
            .filter((other) => other !== stage && !allowed.includes(other))
            .map((other) => ({
              group: reaching(other, [1, 2]),
              message: `dsl/${stage}/ may import only ${allowed.length ? allowed.map((a) => `dsl/${a}/`).join(', ') : 'its own files'} (docs/architecture.md): dsl/${other}/ comes after it`,
            })),
          ...(DSL_STAGE_LIMITS[stage] ?? []),
        ],
      },
    ],
  },
}));

export default tseslint.config(
  {
    // editors/: each editor's own package (the VS Code extension is CommonJS with its own dependencies).
    ignores: [
      'node_modules/',
      '.tools/',
      '.data/',
      'coverage/',
      'test-results/',
      'dist/',
      '.dist-*/',
      'studio/client/vendor/',
      '**/*.cjs',
      'editors/',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_`-prefixed names are deliberately unused (rest-destructuring to drop a key).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Type-aware checks on product code: a promise nobody awaits or catches (a lost failure), a
    // promise where a callback's result is ignored (an event handler, a condition), await on a
    // value that is not one. The type-checked `no-unsafe-*` family is off: input is `unknown` at
    // the edges (JSON, YAML) and checked by our own code, so it would ask for casts, not checks.
    files: PRODUCT_FILES,
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
    },
  },
  {
    // Server code awaits many things at once: `total += await x` there reads the total before
    // the await and loses a concurrent update (ingest's signal count did). Workflow code and
    // benchmarks, tests and the browser client run one step at a time: there it reports false alarms.
    files: ['{activities,cli,codec,destinations,dev,dsl,goals,http-guard,ingest,store,temporal,worker}/**/*.ts', 'studio/*.ts'],
    rules: { 'require-atomic-updates': 'error' },
  },
  {
    // No import cycle in product code: a cycle makes load order matter and hides which piece depends on which.
    files: PRODUCT_FILES,
    plugins: { 'import-x': importX },
    // Our imports name their .ts files: Node's resolution finds them, parsed as TypeScript.
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver': { node: { extensions: ['.ts', '.js'] } },
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // The studio's browser client: React's rules of hooks (a hook's dependencies, hooks only at a component's top).
    files: ['studio/client/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat['recommended-latest'],
  },
  ...layerRules,
  ...stageRules,
  prettier,
);
