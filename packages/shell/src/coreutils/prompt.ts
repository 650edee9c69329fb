import type { InputSource, OutputSink } from './types.js';

/**
 * Reads answers to -i prompts line by line from standard input, keeping what a chunk held past
 * the first newline for the next question (a pipe may deliver "y\nn\n" in one read).
 */
export class Prompter {
  private pending = '';
  private ended = false;

  constructor(
    private readonly stdin: InputSource,
    private readonly stderr: OutputSink,
  ) {}

  /** Prints `question` (no newline, as GNU does) and resolves to whether the answer is yes. */
  async confirm(question: string): Promise<boolean> {
    this.stderr.write(question);
    const line = await this.readLine();
    return line !== undefined && /^[yY]/.test(line);
  }

  private async readLine(): Promise<string | undefined> {
    while (!this.pending.includes('\n') && !this.ended) {
      const chunk = await this.stdin.read();
      if (chunk === null) this.ended = true;
      else this.pending += chunk.toString();
    }
    if (this.pending === '' && this.ended) return undefined;
    const newline = this.pending.indexOf('\n');
    const end = newline < 0 ? this.pending.length : newline;
    const line = this.pending.slice(0, end);
    this.pending = this.pending.slice(end + 1);
    return line;
  }
}
