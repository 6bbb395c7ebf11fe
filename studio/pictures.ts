import type { FlowIR } from '../dsl/language/ir.ts';
import { layoutFlow, type Picture } from './graph/layout.ts';
import { flowGraph } from './graph/model.ts';

/** Versions whose pictures are kept: every page of a version draws the same one. */
const KEPT = 256;
const kept = new Map<string, Promise<Picture>>();

/**
 * A version's picture, laid out once: a version's IR never changes, and ELK takes tens of
 * milliseconds per flow, so the flow and run pages reuse it. The oldest is let go past KEPT.
 */
export function pictureOf(ir: FlowIR, numbers: boolean): Promise<Picture> {
  const key = `${ir.flow}@${ir.version}|${numbers}`;
  let picture = kept.get(key);
  if (!picture) {
    picture = layoutFlow(ir, { numbers, graph: flowGraph(ir, { ids: false }) });
    // A layout that failed is not kept: the next page tries again.
    picture.catch(() => kept.delete(key));
    kept.set(key, picture);
    if (kept.size > KEPT) kept.delete(kept.keys().next().value!);
  }
  return picture;
}
