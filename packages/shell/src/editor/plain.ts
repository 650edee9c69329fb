import type { EditorInput, ReadResult } from './editor.js';
import type { EditorOutput } from './render.js';
import { visiblePrompt } from './render.js';

/**
 * Line input without editing, for `strata-sh -i` when standard input is not a terminal (bash
 * turns readline off then too): the prompt is printed, lines are read as they come.
 */
export class PlainLineReader {
  private buffered = '';
  private ended = false;
  private waiting?: () => void;

  constructor(
    private readonly input: EditorInput,
    private readonly output: EditorOutput,
  ) {
    input.on('data', (chunk) => {
      this.buffered += chunk.toString();
      this.waiting?.();
    });
    input.on('end', () => {
      this.ended = true;
      this.waiting?.();
    });
  }

  async readLine(prompt: string): Promise<ReadResult> {
    this.output.write(visiblePrompt(prompt));
    this.input.resume();
    while (!this.buffered.includes('\n') && !this.ended) {
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
      this.waiting = undefined;
    }
    this.input.pause();
    const newline = this.buffered.indexOf('\n');
    if (newline < 0) {
      if (this.buffered === '') return { kind: 'eof' };
      const text = this.buffered;
      this.buffered = '';
      return { kind: 'line', text };
    }
    const text = this.buffered.slice(0, newline);
    this.buffered = this.buffered.slice(newline + 1);
    return { kind: 'line', text };
  }
}
