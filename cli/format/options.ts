export interface FormatOptions {
  /** How many flow files were checked, for the summary line. */
  files: number;
  /** Diagnostics name files relative to this folder. */
  cwd: string;
}
