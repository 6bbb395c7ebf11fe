import { isDestinationStep } from '../../language/step-kinds.ts';
import { suggestion } from '../../language/suggest.ts';
import { allSteps, branchesOf, isRecord, listOf, splitParts, type Branch, type Located, type StepVisit } from '../../parse/walk.ts';
import { defineRule, type RuleContext } from './context.ts';

const isControl = (b: Branch): boolean => b.item?.value.control === true;

/** Labels are short (A, B): one that differs only in case is surely the one meant. */
const closestLabel = (word: string, labels: string[]): string | undefined => {
  const sameLetters = labels.find((l) => l.toLowerCase() === word.toLowerCase());
  return sameLetters === undefined ? suggestion(word, labels) : `did you mean '${sameLetters}'?`;
};

/**
 * Splits as experiments: a control branch holds out (one per split, sending nothing), branches
 * are told apart by label in reports, and pick_winner has a goal and branches to decide between.
 */
export const experiments = defineRule({
  ids: {
    'split-control': 'a split with two control branches, or a control branch with a step that calls a destination',
    'split-label': 'two branches of a split with one name, where goals or pick_winner need them told apart',
    'pick-winner': 'pick_winner without a goal or two branches to compare, or with a confidence, min_runs or winner that cannot work',
  },
  check(ctx) {
    const hasGoals = listOf(ctx.flow.goals).length > 0;
    for (const visit of allSteps(ctx.flow.steps)) {
      const split = splitParts(visit);
      if (!split) continue;
      const branches = branchesOf(visit);
      controls(ctx, visit, branches);
      if (hasGoals || split.pickWinner) labels(ctx, branches);
      if (split.pickWinner) pickWinner(ctx, split.pickWinner, branches, hasGoals);
      if (split.pickWinner && typeof visit.step.id !== 'string') {
        // The decision is kept under the step's id; a position id (#2) changes when a step is added above.
        ctx.report(
          'pick-winner',
          [...visit.path, 'split'],
          `this split picks a winner but has no id of its own (it is ${visit.id} by position)`,
          {
            severity: 'warning',
            target: 'key',
            hint: 'add `id: NAME` to the split step: its decision is kept under that id, and a new id restarts the experiment',
          },
        );
      }
    }
  },
});

function controls(ctx: RuleContext<'split-control'>, visit: StepVisit, branches: Branch[]): void {
  const held = branches.filter(isControl);
  for (const extra of held.slice(1)) {
    ctx.report('split-control', [...extra.item!.path, 'control'], `a split holds out one control branch; '${extra.label}' is a second`, {
      target: 'key',
      hint: `remove \`control: true\` here, or merge it into '${held[0]!.label}'`,
    });
  }
  for (const branch of held) {
    for (const step of allSteps(branch.steps, branch.path, `${visit.position}.${branch.idPart}.`)) {
      if (!isDestinationStep(step.kind)) continue;
      ctx.report(
        'split-control',
        [...step.path, step.kind],
        `control branch '${branch.label}' must send nothing, but step ${step.id} (${step.kind}) calls a destination`,
        {
          target: 'key',
          hint: 'a control branch is a holdout, measured against the others: move the step to another branch, or remove `control: true`',
        },
      );
    }
  }
}

function labels(ctx: RuleContext<'split-label'>, branches: Branch[]): void {
  const firstAt = new Map<string, (string | number)[]>(); // paths: a place is read only for a finding
  for (const branch of branches) {
    const written = typeof branch.item?.value.label === 'string';
    const path = [...branch.item!.path, written ? 'label' : 'percent'];
    const earlier = firstAt.get(branch.label);
    if (earlier === undefined) {
      firstAt.set(branch.label, path);
      continue;
    }
    ctx.report(
      'split-label',
      path,
      `branch '${branch.label}' has the same name as the branch on line ${ctx.locate(earlier).line}: reports could not tell them apart`,
      {
        hint: written ? 'give each branch its own label' : 'add `label:` to each branch (without one, a branch is named by its percent)',
      },
    );
  }
}

function pickWinner(ctx: RuleContext<'pick-winner'>, pick: Located<unknown>, branches: Branch[], hasGoals: boolean): void {
  if (!isRecord(pick.value)) return; // the schema says what it should be
  const p = pick.value;
  const compared = branches.filter((b) => !isControl(b)).map((b) => b.label);
  if (!hasGoals) {
    ctx.report('pick-winner', pick.path, 'pick_winner decides by the primary goal, and this flow declares no goal', {
      target: 'key',
      hint: 'add `goals:` at the top level, e.g. `goals: [ { event: purchase, within: 7d } ]` (the first goal decides)',
    });
  }
  if (compared.length < 2) {
    ctx.report(
      'pick-winner',
      pick.path,
      `pick_winner needs two branches to compare besides the control; this split has ${compared.length}`,
      {
        target: 'key',
        hint: 'add a branch to compare, or remove pick_winner',
      },
    );
  }
  if (typeof p.confidence === 'number' && !(p.confidence > 0.5 && p.confidence < 1)) {
    ctx.report('pick-winner', [...pick.path, 'confidence'], `confidence must be strictly between 0.5 and 1, not ${p.confidence}`, {
      hint:
        p.confidence > 1 && p.confidence < 100
          ? `write ${p.confidence}% as ${p.confidence / 100}`
          : 'e.g. 0.95: the winner beats each other branch with 95% confidence',
    });
  }
  if (typeof p.min_runs === 'number' && !(Number.isInteger(p.min_runs) && p.min_runs >= 1)) {
    ctx.report('pick-winner', [...pick.path, 'min_runs'], `min_runs must be a positive whole number, not ${p.min_runs}`, {
      hint: 'e.g. 100: no decision before every compared branch has had that many runs',
    });
  }
  if (typeof p.winner === 'string' && !compared.includes(p.winner)) {
    const control = branches.some((b) => isControl(b) && b.label === p.winner);
    ctx.report(
      'pick-winner',
      [...pick.path, 'winner'],
      control
        ? `winner '${p.winner}' is the control branch, which sends nothing and cannot win`
        : `winner '${p.winner}' names no branch of this split`,
      {
        hint: (control ? undefined : closestLabel(p.winner, compared)) ?? `name one of: ${compared.join(', ')}`,
      },
    );
  }
}
