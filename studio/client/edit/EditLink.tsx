import { useEffect, useState } from 'react';
import { studioSession } from './session.ts';

/** A link into the editor, shown only when this studio edits (not `--read-only`). */
export function EditLink({ href, id, children }: { href: string; id: string; children: string }) {
  const [editable, setEditable] = useState(false);
  useEffect(() => {
    studioSession().then(
      (s) => setEditable(!s.readOnly),
      () => setEditable(false),
    );
  }, []);
  return editable ? (
    <a className="button" id={id} href={href}>
      {children}
    </a>
  ) : null;
}
