import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname } from 'node:path';

/** One process of a local stack, started and stopped by its supervisor (`flows cluster`). */
export interface Service {
  name: string;
  child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>;
  /** Resolves once a line of its output matches; rejects when it exits first or after `timeoutMs`. */
  ready(match: RegExp, timeoutMs: number): Promise<string>;
  /** Its last lines of output, for an error message. */
  tail(): string;
  /** Sends `signal` (SIGTERM by default), SIGKILL after `graceMs`; resolves once it has exited. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Spawns a process in a process group of its own (a Ctrl-C at the terminal reaches only the
 * supervisor, which stops the processes in order), its output split into lines: each line goes to
 * `logFile` when given and to `onLine`. Should the supervisor itself die, its exit kills what is left.
 */
export function spawnService(options: {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logFile?: string;
  onLine?: (line: string) => void;
}): Service {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
  }
  let log: WriteStream | undefined;
  if (options.logFile) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    log = createWriteStream(options.logFile, { flags: 'a' });
  }
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(child);
  const lines: string[] = [];
  const waiters = new Set<{ match: RegExp; resolve: (line: string) => void }>();
  const onLine = (line: string) => {
    lines.push(line);
    if (lines.length > 30) lines.shift();
    log?.write(`${line}\n`);
    options.onLine?.(line);
    for (const waiter of waiters)
      if (waiter.match.test(line)) {
        waiters.delete(waiter);
        waiter.resolve(line);
      }
  };
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) onLine(line);
    });
    stream.on('end', () => partial && onLine(partial));
  }
  const exited = new Promise<number | string>((resolve) => {
    child.once('error', (error) => {
      onLine(`${options.command}: ${error.message}`);
      resolve(error.message);
    });
    child.once('exit', (code, signal) => {
      running.delete(child);
      log?.end();
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const tail = () => lines.join('\n').trim();
  return {
    name: options.name,
    child,
    exited,
    tail,
    ready(match, timeoutMs) {
      const found = lines.find((line) => match.test(line));
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve: (line: string) => (clearTimeout(timer), resolve(line)) };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`${options.name} was not ready within ${timeoutMs / 1000} s: ${tail()}`));
        }, timeoutMs);
        waiters.add(waiter);
        void exited.then((code) => {
          if (!waiters.delete(waiter)) return;
          clearTimeout(timer);
          reject(new Error(`${options.name} exited (${code}) before it was ready: ${tail()}`));
        });
      });
    },
    async stop(signal = 'SIGTERM', graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** True when something on 127.0.0.1 accepts a connection on `port`. */
export const portInUse = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
