import { describe, expect, it } from 'vitest';
import { FLOW_STEP } from '../../store/step-log.ts';
import type { FlowRunResult } from '../../workflows/input.ts';
import { verdictFromEvents, verdictOf, verdictText } from '../../workflows/run-verdict.ts';

const result = (outcome: FlowRunResult['outcome'], exitReason?: string): FlowRunResult => ({
  outcome,
  path: ['a'],
  vars: {},
  ...(exitReason ? { exitReason } : {}),
});

describe('verdictOf: what Temporal says, in the words people read', () => {
  it('calls a COMPLETED run that left on exit_when exited, naming the event', () => {
    expect(verdictText(verdictOf('COMPLETED', result('exited', 'exit_when: purchase')))).toBe('exited: exit_when purchase');
  });

  it('names the goal a run exited on, a stop, an exit step and an on_error exit', () => {
    expect(verdictOf('COMPLETED', result('exited', 'goal reached: bought')).reason).toBe('goal bought reached');
    expect(verdictOf('COMPLETED', result('exited', 'flow stopped')).reason).toBe('flow stopped');
    expect(verdictOf('COMPLETED', result('exited', 'exit at bye')).reason).toBe('exit step bye');
    expect(verdictOf('COMPLETED', result('exited', 'on_error: exit after welcome-email failed')).reason).toBe(
      'welcome-email failed (on_error: exit)',
    );
  });

  it('calls a run that finished its steps completed, with nothing more to say', () => {
    expect(verdictOf('COMPLETED', result('completed'))).toEqual({ word: 'completed' });
    expect(verdictOf('COMPLETED')).toEqual({ word: 'completed' }); // result unreadable: Temporal's word stands
  });

  it("carries a failed run's message, and words each other Temporal status", () => {
    expect(verdictText(verdictOf('FAILED', null, 'step welcome-email failed: no email'))).toBe(
      'failed: step welcome-email failed: no email',
    );
    expect(verdictOf('TERMINATED', null, 'by hand')).toEqual({ word: 'terminated', reason: 'by hand' });
    expect(verdictOf('TIMED_OUT').word).toBe('timed out');
    expect(verdictOf('CANCELLED').word).toBe('canceled');
    expect(verdictOf('CONTINUED_AS_NEW').word).toBe('continued');
    expect(verdictOf('RUNNING')).toEqual({ word: 'running' });
    expect(verdictOf('SOMETHING_NEW').word).toBe('unknown');
  });
});

describe('verdictFromEvents: the step-event log, for runs Temporal no longer has', () => {
  const event = (step: string, outcome: string, message?: string) => ({ step, outcome, ...(message ? { message } : {}) });

  it("takes the run's closing flow-level event, with the same words as verdictOf", () => {
    const exited = [
      event(FLOW_STEP, 'entered'),
      event('wait-3d', 'entered'),
      event('wait-3d', 'exited', 'exit_when: purchase'),
      event(FLOW_STEP, 'exited', 'exit_when: purchase'),
    ];
    expect(verdictFromEvents(exited)).toEqual(verdictOf('COMPLETED', result('exited', 'exit_when: purchase')));
    expect(verdictFromEvents([event(FLOW_STEP, 'entered'), event(FLOW_STEP, 'completed')])).toEqual({ word: 'completed' });
    expect(verdictText(verdictFromEvents([event(FLOW_STEP, 'failed', 'step x failed: boom')])!)).toBe('failed: step x failed: boom');
  });

  it("does not mistake a step's failure or exit for the run's, and knows nothing of an open run", () => {
    expect(verdictFromEvents([event(FLOW_STEP, 'entered'), event('send', 'failed', 'retrying')])).toBeNull();
    expect(verdictFromEvents([])).toBeNull();
  });
});
