import type { VarChange } from './types.ts';

/**
 * For APIs that only set values: each change as the value it leads to (an increment's result,
 * computed from Flowline's profile), and `deleted` for a deletion (each API has its own).
 */
export const resultingValues = (changes: Record<string, VarChange>, deleted: null | ''): Record<string, unknown> =>
  Object.fromEntries(Object.entries(changes).map(([name, c]) => [name, 'set' in c ? c.set : 'increment' in c ? c.result : deleted]));
