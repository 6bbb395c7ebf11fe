import { describe, expect, it } from 'vitest';
import { compileCondition } from '../../../dsl/language/conditions.ts';
import { evaluate } from '../../../dsl/language/evaluate.ts';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const holds = (condition: unknown, scope: object) => evaluate(compileCondition(condition), scope, NOW);

describe('conditions', () => {
  it('compare attribute strings as numbers when both sides are numbers', () => {
    const scope = { event: { attributes: { points: '150' } } };
    expect(holds({ 'event.attributes.points': { gte: 100 } }, scope)).toBe(true);
    expect(holds({ 'event.attributes.points': { gt: '99' } }, scope)).toBe(true);
    expect(holds({ 'event.attributes.points': { lt: 20 } }, scope)).toBe(false);
    expect(holds({ 'event.attributes.points': { eq: 150 } }, scope)).toBe(true);
    expect(holds({ 'event.attributes.points': { in: [100, 150] } }, scope)).toBe(true);
  });

  it('compare dates, and within_last against the given now', () => {
    const scope = { profile: { attributes: { signed_up: '2026-11-20T08:00:00Z', seen: String((NOW - 3_600_000) / 1000) } } };
    expect(holds({ 'profile.attributes.signed_up': { after: '2026-11-01' } }, scope)).toBe(true);
    expect(holds({ 'profile.attributes.signed_up': { before: '2026-11-01' } }, scope)).toBe(false);
    expect(holds({ 'profile.attributes.seen': { within_last: '2h' } }, scope)).toBe(true);
    expect(holds({ 'profile.attributes.seen': { within_last: '30m' } }, scope)).toBe(false);
  });

  it('combine with all, any, not and several keys meaning all', () => {
    const scope = { profile: { attributes: { tier: 'gold' }, lists: ['vip', 'news'] }, vars: { stage: 'started' } };
    expect(holds({ any: [{ 'profile.attributes.tier': { eq: 'silver' } }, { 'profile.lists': { contains: 'vip' } }] }, scope)).toBe(true);
    expect(holds({ 'profile.attributes.tier': { eq: 'gold' }, 'vars.stage': { eq: 'done' } }, scope)).toBe(false);
    expect(holds({ not: { 'profile.lists': { contains: 'vip' } } }, scope)).toBe(false);
    expect(holds({ 'profile.attributes.tier': { ne: 'gold' } }, scope)).toBe(false);
  });

  it('read through lists of objects, test existence and patterns', () => {
    const scope = { event: { products: [{ category: 'shoes' }, { category: 'hats' }], attributes: { email: 'a@b.com', empty: '' } } };
    expect(holds({ 'event.products.category': { contains: 'hats' } }, scope)).toBe(true);
    expect(holds({ 'event.attributes.email': { matches: '@b\\.com$' } }, scope)).toBe(true);
    expect(holds({ 'event.attributes.email': { exists: true } }, scope)).toBe(true);
    expect(holds({ 'event.attributes.empty': { exists: true } }, scope)).toBe(false);
    expect(holds({ 'event.attributes.missing': { exists: false } }, scope)).toBe(true);
    expect(holds({ 'event.attributes.missing': { gt: 1 } }, scope)).toBe(false);
  });
});
