/**
 * The editor's one state: the file's text, with every version since it was opened. Undo and redo
 * move along it; undoing everything gives back the bytes as opened. A new edit drops the redo side.
 */
export interface TextHistory {
  readonly versions: readonly string[];
  readonly at: number;
}

export const openHistory = (text: string): TextHistory => ({ versions: [text], at: 0 });

export const currentText = (h: TextHistory): string => h.versions[h.at]!;

export function pushText(h: TextHistory, text: string): TextHistory {
  if (text === currentText(h)) return h;
  return { versions: [...h.versions.slice(0, h.at + 1), text], at: h.at + 1 };
}

export const canUndo = (h: TextHistory): boolean => h.at > 0;
export const canRedo = (h: TextHistory): boolean => h.at < h.versions.length - 1;
export const undo = (h: TextHistory): TextHistory => (canUndo(h) ? { ...h, at: h.at - 1 } : h);
export const redo = (h: TextHistory): TextHistory => (canRedo(h) ? { ...h, at: h.at + 1 } : h);

/** Typing in the YAML: a burst of keystrokes is one version, so one undo takes back the burst. */
export function typeText(h: TextHistory, text: string, sameBurst: boolean): TextHistory {
  if (!sameBurst || h.at === 0) return pushText(h, text);
  if (text === currentText(h)) return h;
  const versions = [...h.versions.slice(0, h.at), text];
  // A burst that came back to the text before it is no version at all.
  return versions[versions.length - 2] === text ? { versions: versions.slice(0, -1), at: h.at - 1 } : { versions, at: h.at };
}
