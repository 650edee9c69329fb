/**
 * The contract between the shell's interpreter and the built-in coreutils (ls, cp, mv, rm,
 * mkdir, cat). The interpreter applies redirections and pipes, then hands a utility its
 * arguments and three streams; the utility resolves to its exit status.
 */

/** Where a utility writes its standard output or standard error. */
export interface OutputSink {
  write(data: string | Uint8Array): void;
  /** True when the sink is a terminal (ls then prints columns). */
  readonly isTTY: boolean;
  /** Terminal width in columns (80 when unknown). */
  readonly columns: number;
}

/** Where a utility reads its standard input. */
export interface InputSource {
  /** The next chunk of input, or null at end of file. */
  read(): Promise<Buffer | null>;
}

export interface UtilityContext {
  /** Arguments, without the command name. */
  args: string[];
  /** The shell's current directory: relative paths resolve against it. */
  cwd: string;
  env: Readonly<Record<string, string>>;
  stdin: InputSource;
  stdout: OutputSink;
  stderr: OutputSink;
  /**
   * Aborted when the user interrupts (Ctrl+C in an interactive shell): a utility stops at its
   * next step (file, directory, chunk) and resolves to 130, as a program killed by SIGINT.
   */
  signal?: AbortSignal;
}

/** The status of a utility stopped by an interrupt (128 + SIGINT). */
export const INTERRUPTED = 130;

/** A utility resolves to its exit status. */
export type Utility = (ctx: UtilityContext) => Promise<number>;
