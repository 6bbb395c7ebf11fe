/**
 * Builds what ships into dist/: the product's TypeScript compiled by tsc (tsconfig.build.json: every
 * folder but the tools and tests), the files the code reads beside itself (the studio's client, the
 * codec's .cjs, the JSON Schemas), and each schema's Ajv validator generated ahead of time, so
 * `flows validate` compiles no schema when it starts. Last, dist/build.json lists every source with
 * the time the build began: bin/flows.js runs dist/ only while no source is newer. `flows validate`
 * (an editor's save hook, a CI step) then starts from one file: dist/cli/validate.js is bundled with
 * the dsl/ modules it imports (see bundleValidate).
 * `npm install` (prepare) and `npm test` run it. Usage: npm run build
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standalone from 'ajv/dist/standalone/index.js';
import { AJV_OPTIONS, loadSchema, type SchemaName } from '../dsl/validate/schema-check.ts';
import { bundleClient } from '../studio/client-bundle.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
/** Read at run time beside the code, and holds no code of its own, so no compiled folder brings it along. */
const SCHEMA_FOLDER = 'schema';

const startedAt = Date.now();
// `npm install --omit=dev` has no TypeScript compiler: nothing is built, and bin/flows.js runs the
// sources through tsx (a runtime dependency), saying so once per start.
if (!canResolve('typescript/bin/tsc')) {
  console.log('dist/ not built: TypeScript is a devDependency (npm install --omit=dev); the CLI runs the sources through tsx');
  process.exit(0);
}
// Built beside dist/ and swapped in whole: a CLI starting meanwhile sees the old build or the new one.
const out = mkdtempSync(join(ROOT, '.dist-'));
try {
  const compiled = compile(out);
  await bundleValidate(out);
  const client = await bundleClient(join(out, 'studio', 'client', 'bundle'));
  const assets = copyAssets(out, [...new Set(compiled.map((file) => file.split('/')[0]!)), SCHEMA_FOLDER]);
  for (const name of schemaNames()) writeFileSync(join(out, SCHEMA_FOLDER, `${name}.validate.cjs`), standaloneValidator(name));
  const clientSources = client.inputs.map((file) => relative(ROOT, resolve(ROOT, file)).split(sep).join('/'));
  const sources = [...new Set([...compiled, ...assets, ...clientSources])].sort();
  writeFileSync(join(out, 'build.json'), `${JSON.stringify({ startedAt, sources }, null, 1)}\n`);
  swapIn(out);
  console.log(`built dist/: ${compiled.length} modules, ${assets.length} files beside them, in ${Date.now() - startedAt} ms`);
} catch (error) {
  rmSync(out, { recursive: true, force: true });
  throw error;
}

function canResolve(module: string): boolean {
  try {
    createRequire(import.meta.url).resolve(module);
    return true;
  } catch {
    return false;
  }
}

/** tsc emits the product into `into`; answers the sources it compiled, relative to the checkout. */
function compile(into: string): string[] {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const listed = execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', into, '--listEmittedFiles'], {
    encoding: 'utf8',
  });
  return listed
    .split('\n')
    .filter((line) => line.startsWith('TSFILE: '))
    .map((line) => relative(into, line.slice('TSFILE: '.length)).split(sep).join('/').replace(/\.js$/, '.ts'));
}

/**
 * dist/cli/validate.js becomes one file holding the compiled dsl/ and cli/format/ modules it
 * imports, so `flows validate` loads one module of ours instead of some fifty (each a resolve, a
 * read and a compile). Made from what tsc just emitted, so it is never older than the sources
 * (build.json lists them). Packages stay imports (a package updated in node_modules is used as it
 * is now), and so does cli/io.js, which main.js shares with the command (its UsageError must be
 * one class). The other commands and dist/dsl/ stay as tsc emitted them. esbuild is tsx's own
 * (tsx, a runtime dependency, bundles it).
 */
async function bundleValidate(into: string): Promise<void> {
  const esbuild = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'))('esbuild') as typeof import('esbuild');
  const entry = join(into, 'cli', 'validate.js');
  const shared = join(into, 'cli', 'io.js');
  await esbuild.build({
    absWorkingDir: into,
    entryPoints: [entry],
    outfile: entry,
    allowOverwrite: true,
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    plugins: [
      {
        name: 'shared-io',
        setup(build) {
          build.onResolve({ filter: /^\.\.?\// }, ({ path, resolveDir }) =>
            join(resolveDir, path) === shared ? { path: './io.js', external: true } : undefined,
          );
        },
      },
    ],
  });
}

/** Every file in the given folders that tsc does not compile, copied to the same place under `into`. */
function copyAssets(into: string, folders: string[]): string[] {
  const files = folders.flatMap((folder) =>
    readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
      // The studio's client (.tsx, its tsconfig and style) ships as the bundle bundleClient makes.
      .filter((entry) => entry.isFile() && !/\.(tsx?|css)$/.test(entry.name) && entry.name !== 'tsconfig.json')
      .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)).split(sep).join('/')),
  );
  for (const file of files) cpSync(join(ROOT, file), join(into, file), { preserveTimestamps: true });
  return files;
}

function schemaNames(): SchemaName[] {
  return readdirSync(join(ROOT, SCHEMA_FOLDER))
    .filter((file) => file.endsWith('.schema.json'))
    .map((file) => file.slice(0, -'.schema.json'.length) as SchemaName);
}

/**
 * Ajv's standalone code for one schema, with the options of dsl/validate/schema-check.ts, plus `defs`: the
 * object the code reports as an error's parent schema for each `$defs` entry (the diagnostics name
 * the kind of thing an error is about by that object).
 */
function standaloneValidator(name: SchemaName): string {
  const schema = loadSchema(name);
  const ajv = new Ajv2020({ ...AJV_OPTIONS, code: { source: true } });
  const code = standalone.default(ajv, ajv.compile(schema));
  const emitted = Object.entries((schema.$defs ?? {}) as Record<string, unknown>)
    .map(([def, value]) => [def, ajv.scope.getValue('schema', value)?.str] as const)
    .filter(([, constName]) => constName !== undefined && code.includes(`const ${constName} = `));
  return `${code}\nmodule.exports.defs = {${emitted.map(([def, constName]) => `${JSON.stringify(def)}: ${constName}`).join(', ')}};\n`;
}

/** dist/ becomes `from`; the old build is removed after. */
function swapIn(from: string): void {
  const old = `${DIST}.old-${process.pid}`;
  if (existsSync(DIST)) renameSync(DIST, old);
  renameSync(from, DIST);
  rmSync(old, { recursive: true, force: true });
}
