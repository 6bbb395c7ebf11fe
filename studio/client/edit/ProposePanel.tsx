import { ReactFlowProvider } from '@xyflow/react';
import { useState } from 'react';
import type { EditAnswer, ProposeAnswer } from '../../api.ts';
import { FlowCanvas } from '../FlowCanvas.tsx';
import { postJson, WriteRefused } from './session.ts';

type State =
  { at: 'ask' } | { at: 'sending' } | { at: 'done'; answer: ProposeAnswer } | { at: 'refused'; message: string; changedOnBase: boolean };

/**
 * Propose, never overwrite: the change goes on a new branch in one commit (pushed, and a pull
 * request when GitHub is set up); then the diff and the picture of the change. A file changed on
 * its base since it was opened is said so, and nothing is written.
 */
export function ProposePanel({ opened, text, onClose }: { opened: EditAnswer; text: string; onClose: () => void }) {
  const [state, setState] = useState<State>({ at: 'ask' });
  const [title, setTitle] = useState(`${opened.blob ? 'Update' : 'Add'} ${opened.file}`);
  const send = () => {
    setState({ at: 'sending' });
    postJson<ProposeAnswer>('/api/propose', { file: opened.file, base: opened.base, blob: opened.blob, text, title }).then(
      (answer) => setState({ at: 'done', answer }),
      (e: Error) => setState({ at: 'refused', message: e.message, changedOnBase: e instanceof WriteRefused && e.status === 409 }),
    );
  };
  return (
    <div className="propose" role="dialog" aria-modal="false" aria-labelledby="propose-title" id="propose-panel">
      <h2 id="propose-title">Propose this change</h2>
      {state.at === 'ask' || state.at === 'sending' ? (
        <>
          <p>
            A new branch from <code>{opened.base}</code> with one commit changing <code>{opened.file}</code> only; your checkout is not
            touched.
          </p>
          <label>
            title <input id="propose-title-input" value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
          </label>
          <button type="button" id="propose-send" disabled={state.at === 'sending'} onClick={send}>
            {state.at === 'sending' ? 'Proposing…' : 'Propose'}
          </button>
        </>
      ) : null}
      {state.at === 'refused' ? (
        <div role="alert" id="propose-refused" data-changed-on-base={state.changedOnBase ? 'yes' : 'no'}>
          <p className="error">{state.message}</p>
          {state.changedOnBase ? (
            <button type="button" id="reload" onClick={() => location.reload()}>
              Reload the file as it now is (your edits here are dropped)
            </button>
          ) : null}
        </div>
      ) : null}
      {state.at === 'done' ? <Proposed answer={state.answer} /> : null}
      <button type="button" onClick={onClose}>
        Close
      </button>
    </div>
  );
}

function Proposed({ answer }: { answer: ProposeAnswer }) {
  return (
    <div id="proposed" data-branch={answer.branch} data-commit={answer.commit}>
      <p>
        Branch <code>{answer.branch}</code> ({answer.commit.slice(0, 10)}){' '}
        {answer.pushed ? 'pushed.' : answer.pushError ? `made here, not pushed: ${answer.pushError}` : 'made here (no remote to push to).'}
      </p>
      {answer.pullRequest ? (
        <p>
          Pull request{' '}
          <a id="pull-request" href={answer.pullRequest.url} target="_blank" rel="noreferrer">
            #{answer.pullRequest.number}
          </a>{' '}
          opened, with the picture of the change as its description.
        </p>
      ) : answer.pullRequestError ? (
        <p className="error">The pull request was not opened: {answer.pullRequestError}</p>
      ) : null}
      <div className="canvas propose-canvas">
        <ReactFlowProvider>
          <FlowCanvas picture={answer.picture} nodeView={() => ({})} edgeView={() => ({})} />
        </ReactFlowProvider>
      </div>
      <pre className="diff" id="diff" aria-label="the text diff">
        {answer.diff.split('\n').map((l, i) => (
          <span
            key={i}
            className={l.startsWith('+') && !l.startsWith('+++') ? 'add' : l.startsWith('-') && !l.startsWith('---') ? 'del' : undefined}
          >
            {l}
            {'\n'}
          </span>
        ))}
      </pre>
    </div>
  );
}
