import { autocompletion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { defaultKeymap } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { EditorState, type Text } from '@codemirror/state';
import { drawSelection, EditorView, highlightActiveLine, keymap, lineNumbers } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import type { Finding, StepForms } from '../../api.ts';

const DURATIONS = ['30m', '1h', '2h', '12h', '1d', '2d', '3d', '7d', '14d', '30d'];

/** Where a finding sits in the document (1-based line and column to offsets), kept inside it. */
function range(doc: Text, f: Finding): { from: number; to: number } {
  const at = (line: number, column: number) => {
    const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
    return Math.min(l.from + Math.max(column - 1, 0), l.to);
  };
  const from = at(f.line, f.column);
  return { from, to: Math.max(from, at(f.endLine, f.endColumn)) };
}

/** Completion from what the schema and the config allow: keys, step kinds, destinations, durations. */
function completions(forms: StepForms) {
  const kinds = Object.keys(forms.kinds);
  const keys = [
    ...new Set([...kinds, ...forms.common.map((f) => f.key), ...Object.values(forms.kinds).flatMap((f) => f.map((x) => x.key))]),
  ];
  const destinations = [...new Set(Object.values(forms.destinations).flat())];
  return (ctx: CompletionContext): CompletionResult | null => {
    const line = ctx.state.doc.lineAt(ctx.pos);
    const before = line.text.slice(0, ctx.pos - line.from);
    const value = /^\s*(?:- )?([a-z_]+):\s*(\S*)$/.exec(before);
    if (value) {
      const [, key, typed] = value;
      const from = ctx.pos - typed!.length;
      if (key === 'destination') return { from, options: destinations.map((label) => ({ label, type: 'constant' })) };
      if (['wait', 'timeout', 'backoff', 'within_last', 'per'].includes(key!))
        return { from, options: DURATIONS.map((label) => ({ label, type: 'constant' })) };
      return null;
    }
    const word = ctx.matchBefore(/^\s*(?:- )?[a-z_]*$/);
    if (!word || (word.from === word.to && !ctx.explicit)) return null;
    const typed = /[a-z_]*$/.exec(word.text)![0];
    return { from: ctx.pos - typed.length, options: keys.map((label) => ({ label, type: 'property', apply: `${label}: ` })) };
  };
}

export interface YamlPaneProps {
  text: string;
  findings: readonly Finding[];
  /** The text the findings were found in: they are shown once the pane holds it (till then, the last ones stay, moved with the edits). */
  findingsOf?: string | undefined;
  forms: StepForms;
  onType: (text: string) => void;
  /** The line to show (a step selected on the canvas). */
  line?: number | undefined;
}

/**
 * The file's text in CodeMirror, both ways: typing here reports the text (the canvas redraws from
 * it); a change made elsewhere (canvas, form, undo) replaces only the lines that differ, so the
 * cursor stays. Undo is the editor's own (one history for canvas and text), not CodeMirror's.
 */
export function YamlPane({ text, findings, findingsOf, forms, onType, line }: YamlPaneProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>(undefined);
  const typed = useRef(onType);
  useEffect(() => {
    typed.current = onType;
  }, [onType]);

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: text,
        extensions: [
          lineNumbers(),
          highlightActiveLine(),
          drawSelection(),
          keymap.of(defaultKeymap),
          yaml(),
          syntaxHighlighting(defaultHighlightStyle),
          lintGutter(),
          autocompletion({ override: [completions(forms)] }),
          EditorView.contentAttributes.of({ 'aria-label': 'the flow file (YAML)' }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged && u.transactions.some((t) => t.isUserEvent('input') || t.isUserEvent('delete') || t.isUserEvent('move')))
              typed.current(u.state.doc.toString());
          }),
        ],
      }),
    });
    // The scroller is reachable by the keyboard too (its lines scroll without the caret).
    v.scrollDOM.tabIndex = 0;
    v.scrollDOM.setAttribute('aria-label', 'the flow file, scrolled');
    view.current = v;
    return () => v.destroy();
    // The editor is made once; text and findings reach it below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current!;
    const now = v.state.doc.toString();
    if (now === text) return;
    let start = 0;
    while (start < now.length && start < text.length && now[start] === text[start]) start++;
    let end = 0;
    while (end < now.length - start && end < text.length - start && now[now.length - 1 - end] === text[text.length - 1 - end]) end++;
    v.dispatch({ changes: { from: start, to: now.length - end, insert: text.slice(start, text.length - end) } });
  }, [text]);

  useEffect(() => {
    const v = view.current!;
    const doc = v.state.doc;
    if (findingsOf !== undefined && findingsOf !== text) return;
    const diagnostics: CmDiagnostic[] = findings.map((f) => ({
      ...range(doc, f),
      severity: f.severity,
      message: `${f.message} [${f.rule}]${f.hint ? `\nhint: ${f.hint}` : ''}`,
    }));
    v.dispatch(setDiagnostics(v.state, diagnostics));
  }, [findings, findingsOf, text]);

  useEffect(() => {
    const v = view.current!;
    if (!line || line > v.state.doc.lines) return;
    const pos = v.state.doc.line(line).from;
    v.dispatch({ effects: EditorView.scrollIntoView(pos, { y: 'center' }) });
  }, [line]);

  return <div className="yaml-pane" id="yaml" ref={host} />;
}
