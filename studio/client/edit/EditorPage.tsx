import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { applyEdit, type FlowEdit, type StepPlace, type Where } from '../../../dsl/edit/index.ts';
import type { DraftAnswer, EditAnswer, Finding, Picture, PlacedNode } from '../../api.ts';
import { nodeRows, nodeValues } from '../drop-off.ts';
import { FlowCanvas, type EdgeView, type NodeView } from '../FlowCanvas.tsx';
import { useLive } from '../live.tsx';
import { canRedo, canUndo, currentText, openHistory, pushText, redo, typeText, undo, type TextHistory } from './history.ts';
import { dataAt, parseText } from './key-lines.ts';
import { Palette, placesFor, type Placement } from './Palette.tsx';
import { ProposePanel } from './ProposePanel.tsx';
import { postJson } from './session.ts';
import { FlowForm, StepForm } from './StepForm.tsx';
import { warmUpWriter } from './warm-up.ts';
import { YamlPane } from './YamlPane.tsx';

/** How long typed text rests before it is checked: the marks follow typing without a request per key. A canvas or form edit is checked at once. */
const CHECK_AFTER_TYPING_MS = 120;
/** Keystrokes closer than this are one burst: one undo takes them back together. */
const BURST_MS = 800;

/** The step a finding's line falls in: the last step, in reading order, starting at or before it. */
function stepOfLine(places: readonly StepPlace[], line: number): StepPlace | undefined {
  let found: StepPlace | undefined;
  for (const p of places) if (p.line <= line && (!found || p.line >= found.line)) found = p;
  return found;
}

const typingTarget = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.closest('input, textarea, .cm-editor') !== null || t.isContentEditable);

export interface EditorPageProps {
  opened: EditAnswer;
  /** The version the repository's file compiles to now: its live numbers stay on their steps while editing. */
  numbersFor?: { flow: string; version: string } | undefined;
  /** Leaves the editor (back to the flow page). */
  onClose: () => void;
}

/**
 * The editor: the file's text is the one state, with its history (undo, redo). The canvas, the
 * form and the YAML pane each change it through the comment-safe writer (dsl/edit/) or by typing;
 * each text is checked by the studio exactly as `flows validate` checks it, and drawn when it compiles.
 */
export function EditorPage({ opened, numbersFor, onClose }: EditorPageProps) {
  const [history, setHistory] = useState<TextHistory>(() => openHistory(opened.text));
  const text = currentText(history);
  /** The last check's answer, with the text it checked. */
  const [draft, setDraft] = useState<{ answer: DraftAnswer; text: string } | undefined>(
    opened.check ? { answer: opened.check, text: opened.text } : undefined,
  );
  const [picture, setPicture] = useState<Picture | undefined>(opened.check?.picture ?? undefined);
  const [selected, setSelected] = useState<string>();
  const [placement, setPlacement] = useState<Placement>('after');
  const [cut, setCut] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [proposing, setProposing] = useState(false);
  const lastTyped = useRef(0);
  const typing = useRef(false);
  const [checkedAt, setCheckedAt] = useState<number | undefined>(opened.check ? 0 : undefined);
  const [drawnAt, setDrawnAt] = useState<number | undefined>(opened.check ? 0 : undefined);
  /** The opened text came checked and drawn: the first check is not asked for again. */
  const checkedOnOpen = useRef(opened.check !== undefined);
  const hasPicture = useRef(Boolean(opened.check?.picture));
  useEffect(() => {
    hasPicture.current = picture !== undefined;
  }, [picture]);

  const parsed = useMemo(() => parseText(text), [text]);
  const textNow = useRef(text);
  useEffect(() => {
    textNow.current = text;
  }, [text]);
  useEffect(() => warmUpWriter(() => textNow.current), []);
  const places = parsed.places;
  const openedIds = useMemo(() => new Set(parseText(opened.text).places.map((p) => p.id)), [opened.text]);
  // A step renamed in this session, by its new id: the id it had in the file as opened.
  const [renames, setRenames] = useState(new Map<string, string>());
  const place = places.find((p) => p.id === selected);

  // Every text is checked: a canvas or form edit at once, typing once it rests. The findings are asked
  // for first, before the page draws the new text (the studio checks while the browser paints); the
  // picture only once they are in, so its layout (a large flow's takes longer than the check) never
  // slows the check down on a small machine, and a text already replaced is never laid out.
  const at = history.at;
  useLayoutEffect(() => {
    if (checkedOnOpen.current) {
      checkedOnOpen.current = false;
      return;
    }
    const abort = new AbortController();
    const body = { file: opened.file, text };
    const draw = () =>
      postJson<DraftAnswer>('/api/draft', body, abort.signal).then((drawn) => {
        if (drawn.picture) setPicture(drawn.picture);
        setDrawnAt(at);
      });
    // Nothing drawn yet (the editor just opened): both at once, the page has nothing else to do.
    const first = !hasPicture.current;
    const ask = () => {
      if (first) draw().catch(() => undefined);
      return postJson<DraftAnswer>('/api/draft', { ...body, picture: false }, abort.signal).then(
        (answer) => {
          setDraft({ answer, text });
          setCheckedAt(at);
          if (answer.findings.some((f) => f.severity === 'error')) return setDrawnAt(at);
          return first ? undefined : draw();
        },
        (e: Error) => {
          if (e.name !== 'AbortError') setNotice(e.message);
        },
      );
    };
    const timer = typing.current ? setTimeout(ask, CHECK_AFTER_TYPING_MS) : (void ask(), undefined);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [text, opened.file, at]);

  const findings: readonly Finding[] = useMemo(() => draft?.answer.findings ?? [], [draft]);
  // Made again only when what the steps show changes (a move with nothing new found): the canvas is then not touched.
  const byStep = useMemo(() => {
    const out = new Map<string, string[]>();
    for (const f of findings) {
      const p = stepOfLine(places, f.line);
      if (p) out.set(p.id, [...(out.get(p.id) ?? []), `${f.severity}: ${f.message}`]);
    }
    return JSON.stringify([...out]);
  }, [findings, places]);
  const problemsByStep = useMemo(() => new Map(JSON.parse(byStep) as Array<[string, string[]]>), [byStep]);

  const edit = useCallback(
    (e: FlowEdit) => {
      const result = applyEdit(text, e);
      if (!result.ok) return setNotice(result.reason);
      setNotice(undefined);
      typing.current = false;
      // A step's id set in the form: the selection follows it, and a rename of an id the file had is remembered.
      if (
        place &&
        e.op === 'set' &&
        e.path.length === place.path.length + 1 &&
        e.path.every((k, i) => (i >= place.path.length ? k === 'id' : k === place.path[i]))
      ) {
        const next = typeof e.value === 'string' ? e.value : place.position;
        const original = renames.get(place.id) ?? place.id;
        if (openedIds.has(original) && original !== next) setRenames((r) => new Map(r).set(next, original));
        setSelected(next);
      }
      setHistory((h) => pushText(h, result.text));
    },
    [text, place, renames, openedIds],
  );
  const travel = (move: (h: TextHistory) => TextHistory) => {
    typing.current = false;
    setHistory(move);
  };
  const typed = useCallback((t: string) => {
    const now = Date.now();
    const burst = now - lastTyped.current < BURST_MS;
    lastTyped.current = now;
    typing.current = true;
    setHistory((h) => typeText(h, t, burst));
  }, []);

  const siblings = (p: StepPlace) => {
    const parent = p.path.slice(0, -1).join('\u0000');
    return places.filter((q) => q.path.length === p.path.length && q.path.slice(0, -1).join('\u0000') === parent);
  };
  const where = (): Where => {
    if (!place) return { top: placement === 'start' ? 0 : places.filter((p) => p.path.length === 2).length };
    if (placement === 'after' || placement === 'before') return placement === 'after' ? { after: place.id } : { before: place.id };
    if (placement === 'start' || placement === 'end')
      return { top: placement === 'start' ? 0 : places.filter((p) => p.path.length === 2).length };
    return { into: place.id, branch: placement };
  };
  const moveBy = (delta: -1 | 1) => {
    if (!place) return;
    const sib = siblings(place);
    const i = sib.findIndex((s) => s.id === place.id);
    const other = sib[i + delta];
    if (!other) return setNotice(delta < 0 ? 'it is already the first step of its list' : 'it is already the last step of its list');
    edit({ op: 'moveStep', step: place.id, where: delta < 0 ? { before: other.id } : { after: other.id } });
  };
  const duplicate = () => {
    if (!place) return;
    const step = dataAt(parsed.data, place.path);
    const copy =
      step && typeof step === 'object' && typeof (step as { id?: unknown }).id === 'string'
        ? { ...step, id: `${(step as { id: string }).id}-copy` }
        : step;
    edit({ op: 'addStep', step: copy, where: { after: place.id } });
  };
  const remove = () => {
    if (!place) return;
    edit({ op: 'removeStep', step: place.id });
    setSelected(undefined);
  };
  const paste = () => {
    if (!cut) return setNotice('nothing is cut: select a step and press Ctrl+X first');
    if (!place) return edit({ op: 'moveStep', step: cut, where: where() });
    edit({ op: 'moveStep', step: cut, where: where() });
    setCut(undefined);
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 'z') {
        if (typingTarget(e.target) && !(e.target instanceof HTMLElement && e.target.closest('.cm-editor'))) return;
        e.preventDefault();
        travel(e.shiftKey ? redo : undo);
        return;
      }
      if (mod && e.key.toLowerCase() === 'y') {
        e.preventDefault();
        travel(redo);
        return;
      }
      if (typingTarget(e.target)) return;
      if (e.key === 'Delete' || e.key === 'Backspace') {
        if (place) {
          e.preventDefault();
          remove();
        }
      } else if (mod && e.key.toLowerCase() === 'x' && place) {
        e.preventDefault();
        setCut(place.id);
        setNotice(`cut ${place.id}: select where it goes, then Ctrl+V`);
      } else if (mod && e.key.toLowerCase() === 'v') {
        e.preventDefault();
        paste();
      } else if (mod && e.key.toLowerCase() === 'd' && place) {
        e.preventDefault();
        duplicate();
      } else if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
        e.preventDefault();
        moveBy(e.key === 'ArrowUp' ? -1 : 1);
      } else if (e.key === 'Escape') {
        setSelected(undefined);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const numbers = useLive(numbersFor ? { ...numbersFor, window: '7d' } : undefined);
  const nodeView = useCallback(
    (node: PlacedNode): NodeView => {
      const problems = node.step !== undefined ? (problemsByStep.get(node.step) ?? []) : [];
      const rows =
        numbers && node.step !== undefined && numbers.steps[node.step] ? nodeRows(node, nodeValues(node, numbers), undefined) : undefined;
      return {
        ...(rows ? { rows } : {}),
        ...(problems.length ? { problems } : {}),
        ...(node.step !== undefined && node.step === cut ? { state: 'off-path' as const } : {}),
      };
    },
    [problemsByStep, numbers, cut],
  );
  const edgeView = useCallback((): EdgeView => ({}), []);
  // The canvas keeps one drop handler (its boxes are kept while unchanged); it calls the latest edit.
  const latestEdit = useRef(edit);
  useEffect(() => {
    latestEdit.current = edit;
  }, [edit]);
  const dropOn = useCallback(
    (dragged: string, target: string) => latestEdit.current({ op: 'moveStep', step: dragged, where: { after: target } }),
    [],
  );

  const errors = findings.filter((f) => f.severity === 'error').length;
  const unchanged = text === opened.text;
  return (
    <div className="editor" data-at={history.at} data-unchanged={unchanged ? 'yes' : 'no'}>
      <div className="bar editor-bar" role="toolbar" aria-label="editing">
        <h1 className="editor-title">
          Editing <code>{opened.file}</code>
        </h1>
        {opened.base ? <span className="muted">from {opened.base}</span> : null}
        <button type="button" id="undo" disabled={!canUndo(history)} onClick={() => travel(undo)} title="Ctrl+Z">
          Undo
        </button>
        <button type="button" id="redo" disabled={!canRedo(history)} onClick={() => travel(redo)} title="Ctrl+Shift+Z">
          Redo
        </button>
        <span
          id="check-state"
          className={errors ? 'bad' : 'good'}
          role="status"
          data-errors={errors}
          data-checked={draft ? 'yes' : 'no'}
          data-checked-at={checkedAt}
        >
          {!draft
            ? 'checking…'
            : errors
              ? `${errors} error${errors === 1 ? '' : 's'}`
              : findings.length
                ? `valid, ${findings.length} warning(s)`
                : 'valid'}
        </span>
        <button type="button" id="propose" disabled={unchanged || errors > 0 || !draft} onClick={() => setProposing(true)}>
          Propose…
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {notice ? (
        <p className="notice" role="alert" id="notice">
          {notice}
        </p>
      ) : null}
      {draft && draft.answer.findings.some((f) => f.severity === 'error') ? (
        <p className="notice" id="stale-picture">
          The picture shows the last version that compiled: fix the errors to redraw it.
        </p>
      ) : null}
      <div className="editor-layout">
        <div className="editor-side">
          <Palette
            forms={opened.forms}
            place={place}
            placement={placement}
            onPlacement={setPlacement}
            onAdd={(step) => edit({ op: 'addStep', step, where: where() })}
          />
          <label className="outline">
            step{' '}
            <select id="step-outline" value={selected ?? ''} onChange={(e) => setSelected(e.target.value || undefined)}>
              <option value="">(the flow itself)</option>
              {places.map((p) => (
                <option key={p.position} value={p.id}>
                  {'\u00a0\u00a0'.repeat(p.position.split('.').length - 1)}
                  {p.position} {p.kind ?? '?'}
                  {p.id !== p.position ? ` · ${p.id}` : ''}
                </option>
              ))}
            </select>
          </label>
          {place ? (
            <div className="step-actions" role="group" aria-label="the selected step">
              <button type="button" id="move-up" onClick={() => moveBy(-1)} title="Alt+↑">
                Move up
              </button>
              <button type="button" id="move-down" onClick={() => moveBy(1)} title="Alt+↓">
                Move down
              </button>
              <button type="button" id="duplicate" onClick={duplicate} title="Ctrl+D">
                Duplicate
              </button>
              <button type="button" id="cut" onClick={() => setCut(place.id)} title="Ctrl+X">
                Cut
              </button>
              <button type="button" id="paste" disabled={!cut} onClick={paste} title="Ctrl+V">
                Paste {placesFor(place).find((p) => p.value === placement)?.label ?? 'after'}
              </button>
              <button type="button" id="delete" onClick={remove} title="Delete">
                Delete
              </button>
            </div>
          ) : null}
          {place ? (
            <StepForm
              key={place.id}
              place={place}
              step={dataAt(parsed.data, place.path)}
              forms={opened.forms}
              findings={findings.filter((f) => stepOfLine(places, f.line)?.id === place.id)}
              keyLines={parsed.keyLines(place.path)}
              renamedFrom={places.some((p) => p.id === renames.get(place.id)) ? undefined : renames.get(place.id)}
              onEdit={edit}
            />
          ) : (
            <FlowForm data={parsed.data} onEdit={edit} />
          )}
        </div>
        <div className="canvas editor-canvas" id="picture" data-drawn-at={drawnAt}>
          {picture ? (
            <ReactFlowProvider>
              <FlowCanvas
                picture={picture}
                nodeView={nodeView}
                edgeView={edgeView}
                selected={selected}
                onSelect={setSelected}
                onDropOn={dropOn}
                fitToken={`${picture.nodes.length}`}
              />
            </ReactFlowProvider>
          ) : (
            <p className="muted">drawing…</p>
          )}
        </div>
        <div className="editor-text">
          <YamlPane text={text} findings={findings} findingsOf={draft?.text} forms={opened.forms} onType={typed} line={place?.line} />
          <ul className="findings" id="findings" aria-label="findings">
            {findings.map((f, i) => (
              <li key={i} className={f.severity} data-rule={f.rule} data-line={f.line}>
                {f.file}:{f.line}:{f.column} {f.severity} {f.message} [{f.rule}]
                {f.hint ? <span className="muted"> hint: {f.hint}</span> : null}
              </li>
            ))}
          </ul>
        </div>
      </div>
      {proposing ? <ProposePanel opened={opened} text={text} onClose={() => setProposing(false)} /> : null}
    </div>
  );
}
