import type { Diagnostic } from '../../dsl/parse/diagnostics.ts';

// GitHub workflow commands: data escapes %, CR, LF; property values also escape : and ,.
const data = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const property = (s: string): string => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** Annotations that GitHub Actions shows on the pull request's changed lines. */
export function formatGithub(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const props = [
        `file=${property(d.file)}`,
        `line=${d.line}`,
        `col=${d.column}`,
        `endLine=${d.endLine}`,
        `endColumn=${d.endColumn}`,
        `title=${property(`flows validate: ${d.rule}`)}`,
      ].join(',');
      const text = d.hint ? `${d.message} (${d.hint})` : d.message;
      return `::${d.severity} ${props}::${data(text)}\n`;
    })
    .join('');
}
