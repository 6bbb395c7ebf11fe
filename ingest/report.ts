import type { FastifyReply, FastifyRequest } from 'fastify';
import type { NormalizedBatch } from './normalize.ts';
import type { BatchOutcome } from './route.ts';

/** What one batch did: the opt-in answer of `X-Flowline-Report: 1`, and the stack's log line. */
export interface BatchReport extends BatchOutcome {
  events: number;
}

export const batchReport = (outcome: BatchOutcome, batch: NormalizedBatch): BatchReport => ({ ...outcome, events: batch.events.length });

/**
 * mParticle's SDKs expect an empty 202; a sender that asks with `X-Flowline-Report: 1` gets what
 * its batches did instead (runs started, signalled, not started and why, duplicates).
 */
export function accepted(request: FastifyRequest, reply: FastifyReply, reports: BatchReport[]) {
  if (request.headers['x-flowline-report'] !== '1') return reply.code(202).send();
  return reply.code(202).send({ batches: reports });
}

/** One line per batch for the operator's log, e.g. `batch user cust-1001: 1 event, 1 started, 0 signalled`. */
export function reportLine(report: BatchReport): string {
  const who = report.anonymous ? 'anonymous' : `user ${report.user}`;
  if (report.duplicate) return `batch ${who}: duplicate of a batch already handled; nothing done`;
  const notStarted = Object.entries(report.notStarted).map(([reason, n]) => `${n} not started (${reason})`);
  const parts = [`${report.events} event${report.events === 1 ? '' : 's'}`, `${report.started} started`, `${report.signalled} signalled`, ...notStarted];
  return `batch ${who}: ${parts.join(', ')}`;
}
