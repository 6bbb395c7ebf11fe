import { main } from '../../cli/main.ts';

/** Runs a `flows` command in this process with extra environment, returning what it printed. */
export async function flows(env: Record<string, string>, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  let out = '';
  let err = '';
  try {
    const code = await main(args, { cwd: process.cwd(), out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  } finally {
    process.env = saved;
  }
}
