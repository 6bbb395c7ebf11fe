import type { FlowIR } from '../../dsl/language/ir.ts';
import { compareFlows, markGraph, type FlowChange } from './compare.ts';
import { layoutFlow, type Picture } from './layout.ts';
import { toMarkdown } from './markdown.ts';
import { flowGraph } from './model.ts';

export interface FlowChangeView {
  /** What `flows graph FILE --compare REF --format markdown` prints: the body of a pull request. */
  markdown: string;
  /** The flow after the change, its added and changed steps marked (as `--compare` marks them). */
  picture: Picture;
  changes: FlowChange[];
}

/** A change of one flow file as reviewers see it, from the flow before (null: a new file) and after. */
export async function flowChange(file: string, before: FlowIR | null, after: FlowIR, ref: string): Promise<FlowChangeView> {
  const changes = before ? compareFlows(before, after) : [];
  const graph = before ? markGraph(flowGraph(after), after, changes) : flowGraph(after);
  const markdown = toMarkdown(graph, file, before ? { ref, list: changes } : undefined);
  return { markdown, picture: await layoutFlow(after, { graph }), changes };
}
