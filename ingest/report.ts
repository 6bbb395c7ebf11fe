import type { FastifyReply, FastifyRequest } from 'fastify';
import type { NormalizedBatch } from './normalize.ts';
import type { BatchOutcome } from './route.ts';

/** What one batch did: the opt-in answer of `X-Flowline-Report: 1`, and the stack's log line. */
export interface BatchReport extends BatchOutcome {
  events: number;
}

export const batchReport = (outcome: BatchOutcome, batch: NormalizedBatch): BatchReport => ({ ...outcome, events: batch.events.length });

/** A batch of a bulk request refused as invalid while the others were handled: its position and what is wrong. */
export interface RefusedBatch {
  index: number;
  errors: Array<{ code: string; path: string; message: string }>;
}

/**
 * mParticle's SDKs expect an empty 202; a sender that asks with `X-Flowline-Report: 1` gets what
 * its batches did instead (runs started, signalled, not started and why, duplicates). Refused
 * batches of a bulk request are always named (`{"refused":[{"index":2,"errors":[…]}]}`).
 */
export function accepted(request: FastifyRequest, reply: FastifyReply, reports: BatchReport[], refused: RefusedBatch[] = []) {
  const report = request.headers['x-flowline-report'] === '1';
  if (!report && refused.length === 0) return reply.code(202).send();
  return reply.code(202).send({ ...(report ? { batches: reports } : {}), ...(refused.length ? { refused } : {}) });
}

/** One line per batch for the operator's log, e.g. `batch user cust-1001: 1 event, 1 started, 0 signalled`. */
export function reportLine(report: BatchReport): string {
  const who = report.anonymous ? 'anonymous' : `user ${report.user}`;
  if (report.duplicate) return `batch ${who}: duplicate of a batch already handled; nothing done`;
  const notStarted = Object.entries(report.notStarted).map(([reason, n]) => `${n} not started (${reason})`);
  const parts = [
    `${report.events} event${report.events === 1 ? '' : 's'}`,
    `${report.started} started`,
    `${report.signalled} signalled`,
    ...(report.converted ? [`${report.converted} conversion${report.converted === 1 ? '' : 's'} credited`] : []),
    ...notStarted,
  ];
  return `batch ${who}: ${parts.join(', ')}`;
}
