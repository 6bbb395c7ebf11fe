// Lint: typescript-eslint's recommended rules, and the direction of imports between folders.
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/**
 * The layers, bottom first: what each product folder may import. Anything not listed is out of
 * bounds, and product code never imports test/, bench/ or scripts/. docs/architecture.md explains it.
 */
export const LAYERS = {
  dsl: [],
  'http-guard': [],
  codec: ['http-guard'],
  destinations: ['dsl', 'http-guard'],
  profiles: ['dsl'],
  temporal: ['codec'],
  goals: ['dsl', 'profiles'],
  activities: ['dsl', 'destinations', 'profiles'],
  workflows: ['dsl', 'activities', 'profiles'],
  dev: ['codec', 'temporal', 'workflows'],
  ingest: ['dsl', 'profiles', 'goals', 'workflows', 'codec', 'temporal', 'http-guard'],
  studio: ['dsl', 'profiles', 'goals', 'workflows', 'temporal', 'http-guard'],
  worker: ['dsl', 'destinations', 'profiles', 'goals', 'activities', 'workflows', 'codec', 'temporal', 'http-guard'],
  cli: [
    'dsl',
    'http-guard',
    'destinations',
    'profiles',
    'goals',
    'activities',
    'workflows',
    'codec',
    'temporal',
    'dev',
    'ingest',
    'studio',
    'worker',
  ],
  bin: ['cli'],
};
const FOLDERS = [...Object.keys(LAYERS), 'test', 'bench', 'scripts'];

// Relative specifiers reach another top-level folder as ../x/, ../../x/ or ../../../x/.
const reaching = (folder) => [1, 2, 3].map((depth) => `${'../'.repeat(depth)}${folder}/**`);

const layerRules = Object.entries(LAYERS).map(([folder, allowed]) => ({
  files: [`${folder}/**/*.ts`, `${folder}/**/*.js`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: FOLDERS.filter((other) => other !== folder && !allowed.includes(other)).map((other) => ({
          group: reaching(other),
          message: `${folder}/ may import only ${allowed.length ? allowed.join(', ') : 'its own files'} (docs/architecture.md): ${other}/ is above it or beside it`,
        })),
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: ['node_modules/', '.tools/', '.data/', 'coverage/', 'test-results/', 'dist/', '.dist-*/', 'studio/client/vendor/', '**/*.cjs'],
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
    // Server code awaits many things at once: `total += await x` there reads the total before
    // the await and loses a concurrent update (ingest's signal count did). Workflow code and
    // benchmarks, tests and the browser client run one step at a time: there it reports false alarms.
    files: ['{activities,cli,codec,destinations,dev,dsl,goals,http-guard,ingest,profiles,temporal,worker}/**/*.ts', 'studio/*.ts'],
    rules: { 'require-atomic-updates': 'error' },
  },
  ...layerRules,
  prettier,
);
