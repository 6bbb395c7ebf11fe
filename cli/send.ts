import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { notStartedText } from '../ingest/not-started.ts';
import { reportLine, type BatchReport } from '../ingest/report.ts';
import { COMMAND_WORDS } from './commands.ts';
import { EXIT, parseCommandArgs, UsageError, type CliIo } from './io.ts';

/** Posts a batch (from a file, or generated for a named event and user) to a running ingest. */
export async function sendCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, COMMAND_WORDS.send.flags);
  let body: unknown;
  if (positionals.length === 1) {
    try {
      body = JSON.parse(readFileSync(resolve(io.cwd, positionals[0]!), 'utf8'));
    } catch (error) {
      throw new UsageError(`${positionals[0]}: ${(error as Error).message}`);
    }
  } else if (values.event && values.user) {
    let attributes = {};
    try {
      attributes = values.attributes ? JSON.parse(values.attributes) : {};
    } catch (error) {
      throw new UsageError(`--attributes: ${(error as Error).message}`);
    }
    body = {
      environment: 'development',
      user_identities: { customerid: values.user },
      events: [
        {
          event_type: 'custom_event',
          data: {
            event_name: values.event,
            custom_event_type: 'other',
            source_message_id: `cli-${Date.now()}`,
            timestamp_unixtime_ms: Date.now(),
            custom_attributes: attributes,
          },
        },
      ],
    };
  } else {
    throw new UsageError('give a batch file, or --event NAME and --user ID');
  }
  const url = values.url ?? process.env.FLOWLINE_INGEST_URL ?? 'http://localhost:8080';
  const key = process.env.FLOWLINE_INGEST_KEY ?? 'flowline-dev';
  const secret = process.env.FLOWLINE_INGEST_SECRET ?? 'flowline-dev';
  const path = Array.isArray(body) ? '/v2/bulkevents' : '/v2/events';
  let response: Response;
  try {
    response = await fetch(`${url}${path}`, {
      method: 'POST',
      // Asks ingest to say what the batch did (mParticle's SDKs get an empty 202).
      headers: {
        'content-type': 'application/json',
        'x-flowline-report': '1',
        authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`,
      },
      body: JSON.stringify(body),
    });
  } catch (error) {
    io.err(
      `flows send: cannot reach ${url}: ${(error as { cause?: Error }).cause?.message ?? (error as Error).message}; is \`npm start\` or \`flows ingest\` running?\n`,
    );
    return EXIT.findings;
  }
  const text = await response.text();
  io.out(`${response.status} ${response.statusText}\n${response.status === 202 ? describeReport(text) : text ? `${text}\n` : ''}`);
  return response.status === 202 ? EXIT.ok : EXIT.findings;
}

/**
 * The batch report of a 202, one line per batch, then one per event that started no run of a
 * flow and why (as `flows run` says it); an ingest that sends none gets no lines.
 */
function describeReport(text: string): string {
  let report: { batches?: BatchReport[] };
  try {
    report = JSON.parse(text) as { batches?: BatchReport[] };
  } catch {
    return '';
  }
  return (report.batches ?? [])
    .map((b) => [reportLine(b), ...(b.notStartedEvents ?? []).map((n) => `  ${notStartedText(n)}`)].map((line) => `${line}\n`).join(''))
    .join('');
}
