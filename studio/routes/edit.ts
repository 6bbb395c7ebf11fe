import { relative, resolve } from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { checkFlow } from '../../dsl/validate/validate.ts';
import { defaultBase, openFile, proposeFile, ProposalRefused, type OpenedFile } from '../../review/git-propose.ts';
import type { DraftAnswer, EditAnswer, ProposeAnswer, SessionAnswer } from '../api.ts';
import type { StudioDeps } from '../deps.ts';
import { checkDraft } from '../edit/draft.ts';
import { stepForms } from '../edit/step-forms.ts';
import { flowChange } from '../graph/change.ts';

/** The largest draft the studio takes: a flow file ten times the largest example's size and more. */
const MAX_DRAFT_BYTES = 256 * 1024;

/** A flow file's place in the repository, as the editor names it: under flows/, a plain name. */
const FLOW_FILE = /^flows\/[A-Za-z0-9][A-Za-z0-9_.-]{0,120}\.ya?ml$/;

interface DraftBody {
  file: string;
  text: string;
  /** False: the findings alone, at once (laying out a large flow takes longer than checking it). */
  picture?: boolean;
}
interface ProposeBody extends DraftBody {
  base: string;
  blob: string | null;
  title?: string;
}

const draftSchema = {
  type: 'object',
  required: ['file', 'text'],
  additionalProperties: false,
  properties: {
    file: { type: 'string', maxLength: 200 },
    text: { type: 'string', maxLength: MAX_DRAFT_BYTES },
    picture: { type: 'boolean' },
  },
} as const;
const proposeSchema = {
  type: 'object',
  required: ['file', 'text', 'base', 'blob'],
  additionalProperties: false,
  properties: {
    file: draftSchema.properties.file,
    text: draftSchema.properties.text,
    base: { type: 'string', minLength: 1, maxLength: 200 },
    blob: { anyOf: [{ type: 'string', pattern: '^[0-9a-f]{40,64}$' }, { type: 'null' }] },
    title: { type: 'string', maxLength: 200 },
  },
} as const;

const badFile = (reply: FastifyReply, file: string) =>
  reply.code(400).send({ error: `the studio edits only flow files under flows/ with a plain name (flows/name.yaml), not '${file}'` });

/**
 * Editing: the file as a branch holds it, a draft checked as `flows validate` checks it (and drawn
 * when it compiles), and a proposal: a new branch with one commit, pushed, and a pull request when
 * GitHub is set up. Nothing here writes the checkout. Absent entirely with `flows studio --read-only`.
 */
export const editRoutes: FastifyPluginAsync<StudioDeps & { csrf: string }> = async (app, deps) => {
  const editing = deps.editing;
  const repoRoot = editing?.repoRoot;
  /** A project file's path from the repository's root (the project may sit in a folder of it). */
  const fromRoot = (source: string) => (repoRoot ? relative(repoRoot, resolve(deps.project.cwd, source)) : source);
  const flowsList = () => deps.project.current().flows.map((f) => ({ flow: f.flow, source: fromRoot(f.source), name: f.name }));

  app.get('/api/session', async (): Promise<SessionAnswer> => ({
    csrf: deps.csrf,
    readOnly: !editing,
    git: Boolean(repoRoot),
    github: Boolean(editing?.github),
  }));

  if (!editing) return;

  app.get<{ Params: { id: string } }>('/api/edit/:id', async (req, reply) => {
    const ir = deps.project.flow(req.params.id);
    if (!ir) return reply.code(404).send({ error: `no flow '${req.params.id}' in the repository that compiles (flows validate says why)` });
    const file = fromRoot(ir.source);
    const opened: OpenedFile = repoRoot ? await openFile(repoRoot, file) : { file, base: '', blob: null, text: '' };
    const project = deps.project.current();
    // The opened text checked and drawn here, in the same answer: the editor shows it at once, with no second round trip.
    const check = await checkDraft(file, opened.text, project.config, flowsList(), repoRoot ?? deps.project.cwd);
    const answer: EditAnswer = { ...opened, flow: ir.flow, forms: stepForms(project.config), flows: flowsList(), check };
    return answer;
  });

  /** What a new flow starts from: the forms and the flows (a copy of one, or a trigger's template, is made in the page). */
  app.get('/api/edit', async (): Promise<EditAnswer> => {
    const base = repoRoot ? await defaultBase(repoRoot) : '';
    return { file: '', base, blob: null, text: '', flow: '', forms: stepForms(deps.project.current().config), flows: flowsList() };
  });

  app.post<{ Body: DraftBody }>('/api/draft', { schema: { body: draftSchema }, bodyLimit: MAX_DRAFT_BYTES * 2 }, async (req, reply) => {
    const { file, text, picture } = req.body;
    if (!FLOW_FILE.test(file)) return badFile(reply, file);
    const project = deps.project.current();
    const answer: DraftAnswer = await checkDraft(file, text, project.config, flowsList(), repoRoot ?? deps.project.cwd, {
      picture: picture !== false,
    });
    return answer;
  });

  app.post<{ Body: ProposeBody }>(
    '/api/propose',
    { schema: { body: proposeSchema }, bodyLimit: MAX_DRAFT_BYTES * 2 },
    async (req, reply) => {
      const { file, text, base, blob, title } = req.body;
      if (!FLOW_FILE.test(file)) return badFile(reply, file);
      if (!repoRoot)
        return reply.code(409).send({ error: 'the project is not a git checkout: the studio proposes changes as git branches' });
      const config = deps.project.current().config;
      // The findings only: the picture of the change is drawn once, below, with its marks.
      const draft = await checkDraft(file, text, config, flowsList(), repoRoot, { picture: false });
      const errors = draft.findings.filter((f) => f.severity === 'error');
      if (errors.length) {
        return reply
          .code(422)
          .send({ error: `the flow has ${errors.length} error(s): fix them before proposing (flows validate would fail)` });
      }
      let before: OpenedFile;
      try {
        before = await openFile(repoRoot, file, base);
      } catch (error) {
        if (error instanceof ProposalRefused) return reply.code(400).send({ error: error.message });
        throw error;
      }
      let result;
      try {
        result = await proposeFile(repoRoot, { file, base, blob, text: before.text }, text, title ? { message: title } : {});
      } catch (error) {
        if (error instanceof ProposalRefused) return reply.code(400).send({ error: error.message });
        throw error;
      }
      if (!result.ok) {
        const code = result.reason === 'changed-on-base' ? 409 : result.reason === 'unchanged' ? 422 : 400;
        return reply
          .code(code)
          .send({ error: result.message, ...(result.reason === 'changed-on-base' ? { current: result.current } : {}) });
      }
      const beforeIr = before.blob ? (checkFlow(file, before.text, config).ir ?? null) : null;
      const afterIr = checkFlow(file, text, config).ir!;
      const change = await flowChange(file, beforeIr, afterIr, base);
      const answer: ProposeAnswer = {
        branch: result.branch,
        commit: result.commit,
        base,
        pushed: result.pushed,
        ...(result.pushError ? { pushError: result.pushError } : {}),
        diff: result.diff,
        markdown: change.markdown,
        picture: change.picture,
        pullRequest: null,
      };
      const github = editing.github;
      if (github && result.pushed) {
        try {
          const pr = await github.client.openPullRequest({
            ...github.repo,
            head: result.branch,
            base,
            title: title || `${blob ? 'Update' : 'Add'} ${file}`,
            body: change.markdown,
          });
          answer.pullRequest = { number: pr.number, url: pr.url };
        } catch (error) {
          answer.pullRequestError = (error as Error).message;
        }
      }
      return answer;
    },
  );
};
