export interface FormatOptions {
  /** How many flow files were checked, for the summary line. */
  files: number;
  /** Diagnostics name files relative to this folder. */
  cwd: string;
  /** Texts to quote lines from instead of the files on disk (an edit not written yet). */
  sources?: ReadonlyMap<string, string>;
}
