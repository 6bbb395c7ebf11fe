import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The browser client's files, as the studio serves them under /static/. */
export interface ClientFiles {
  'studio.js': string;
  'studio.css': string;
}

const ENTRY = fileURLToPath(new URL('./client/main.tsx', import.meta.url));
/** Where scripts/build.ts writes the bundle, beside the compiled studio in dist/. */
const BUILT = new URL('./client/bundle/', import.meta.url);

/**
 * The client (React, React Flow, our TSX) bundled by esbuild into one script and one style sheet:
 * nothing is loaded from elsewhere. `write` puts them in a folder (the build); without it they
 * come back in memory (the studio started from its sources).
 */
export async function bundleClient(write?: string): Promise<ClientFiles & { inputs: string[] }> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: { studio: ENTRY },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    // FLOWLINE_CLIENT_UNMINIFIED=1 keeps names, for reading a CPU profile of the page.
    minify: process.env.FLOWLINE_CLIENT_UNMINIFIED !== '1',
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
    metafile: true,
    write: write !== undefined,
    ...(write !== undefined ? { outdir: write } : { outdir: '/studio-client' }),
  });
  // Our own sources the bundle was made from (the build lists them: a newer one makes dist/ stale).
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules/'));
  if (write !== undefined) return { ...readBuilt(pathToFileURL(`${write}/`)), inputs };
  const file = (ext: string) => new TextDecoder().decode(result.outputFiles!.find((f) => f.path.endsWith(ext))!.contents);
  return { 'studio.js': file('.js'), 'studio.css': file('.css'), inputs };
}

const readBuilt = (folder: URL): ClientFiles => ({
  'studio.js': readFileSync(new URL('studio.js', folder), 'utf8'),
  'studio.css': readFileSync(new URL('studio.css', folder), 'utf8'),
});

/** Bundled once per process: every studio built in it serves the same files. */
let files: Promise<ClientFiles> | undefined;

/** The built bundle when there is one (dist/), else bundled now from the sources (a second or so, once per process). */
export function clientFiles(): Promise<ClientFiles> {
  files ??= (async () => {
    try {
      return readBuilt(BUILT);
    } catch {
      return bundleClient();
    }
  })();
  return files;
}
