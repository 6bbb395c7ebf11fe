import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FlowsConfig } from '../../dsl/language/config.ts';
import { toolFinding, type ToolFinding } from '../../dsl/parse/diagnostics.ts';
import { checkAcrossFiles, checkFlow } from '../../dsl/validate/validate.ts';
import type { Picture } from '../graph/layout.ts';
import { pictureOf } from '../pictures.ts';

/** A finding as `flows validate --format json` gives it (the same fields and words). */
export type Finding = ToolFinding;

export interface DraftCheck {
  findings: Finding[];
  /** The draft's picture when it compiles (no error) and was asked for; null otherwise. */
  picture: Picture | null;
  /** The version the draft compiles to; null when it does not compile (or only the findings were asked for). */
  version: string | null;
  flow: string | null;
}

/**
 * A draft checked exactly as `flows validate` checks its file (checkFlow, the project's config),
 * plus the one finding validate makes across files: a flow id another file already uses.
 */
export async function checkDraft(
  file: string,
  text: string,
  config: FlowsConfig,
  otherFlows: ReadonlyArray<{ flow: string; source: string }>,
  cwd: string,
  options: { picture?: boolean } = {},
): Promise<DraftCheck> {
  // The findings alone need no IR: compiling it is skipped unless the picture is wanted.
  const result = checkFlow(file, text, config, { compile: options.picture !== false });
  const findings = result.diagnostics.map(toolFinding);
  const id = result.flowId?.id;
  const clash = id !== undefined ? otherFlows.find((f) => f.flow === id && f.source !== file) : undefined;
  // The other file first, as `flows validate` lists it: the finding then falls on the draft.
  if (clash)
    findings.push(
      ...checkAcrossFiles([
        checkFlow(clash.source, readFileSync(resolve(cwd, clash.source), 'utf8'), config, { compile: false }),
        result,
      ]).map(toolFinding),
    );
  const picture = options.picture !== false && result.ir && !clash ? await pictureOf(result.ir, true) : null;
  return { findings, picture, version: result.ir?.version ?? null, flow: id ?? null };
}
