import { useEffect, useState } from 'react';
import type { PictureNumbers } from '../api.ts';

/** Seconds before a refused or dropped live stream is tried again (the studio answers 429 past its limit). */
const RETRY_S = 10;

/** Says what the live numbers are doing in the header's corner. */
function say(text: string): void {
  const live = document.getElementById('live');
  if (live) live.textContent = text;
}

/**
 * A flow version's numbers, pushed by the studio every few seconds (server-sent events), for as
 * long as the page shows them; undefined until the first arrive.
 */
export function useLive(of: { flow: string; version: string; window: string } | undefined): PictureNumbers | undefined {
  const [numbers, setNumbers] = useState<PictureNumbers>();
  const key = of ? `${of.flow}@${of.version}|${of.window}` : '';
  useEffect(() => {
    if (!of) return;
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      const q = new URLSearchParams({ version: of.version, window: of.window });
      source = new EventSource(`/api/flows/${encodeURIComponent(of.flow)}/live?${q}`);
      source.addEventListener('numbers', (e) => {
        const next = JSON.parse((e as MessageEvent<string>).data) as PictureNumbers;
        setNumbers(next);
        say(`live · ${next.window} · updated ${new Date(next.at).toLocaleTimeString()}${next.problem ? ` · ${next.problem}` : ''}`);
      });
      source.addEventListener('problem', (e) =>
        say(`numbers unavailable: ${(JSON.parse((e as MessageEvent<string>).data) as { error: string }).error}`),
      );
      source.addEventListener('error', () => {
        if (source?.readyState !== EventSource.CLOSED) return;
        say(`live numbers paused (too many studio pages open, or the studio stopped): trying again in ${RETRY_S} s`);
        retry = setTimeout(connect, RETRY_S * 1000);
      });
    };
    connect();
    const leave = () => source?.close();
    addEventListener('pagehide', leave);
    return () => {
      clearTimeout(retry);
      source?.close();
      removeEventListener('pagehide', leave);
    };
    // `key` names everything `of` holds.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return numbers;
}
