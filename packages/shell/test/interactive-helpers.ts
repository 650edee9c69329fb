import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin.js');
/** The default prompt, as capture-pane shows it (without trailing blanks). */
export const PROMPT = /strata-sh-0\.1[#$]$/;

let counter = 0;

/** A strata-sh running interactively in a detached tmux session (a real pseudo-terminal). */
export class TmuxSession {
  readonly socket = `strata-test-${process.pid}-${++counter}`;

  constructor(
    readonly home: string,
    options: { env?: Record<string, string>; width?: number; height?: number } = {},
  ) {
    if (!existsSync(BIN))
      throw new Error(`${BIN} is missing: run pnpm --filter @strata/shell build`);
    const env = { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env };
    const assignments = Object.entries(env)
      .map(([k, v]) => `${k}='${v.replaceAll("'", "'\\''")}'`)
      .join(' ');
    const command = `cd '${home}' && exec env -i TERM=xterm-256color ${assignments} '${process.execPath}' '${BIN}'`;
    this.tmux(
      'new-session',
      '-d',
      '-x',
      String(options.width ?? 120),
      '-y',
      String(options.height ?? 30),
      command,
    );
  }

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Keys as tmux send-keys takes them: literal text, or names like Enter, C-c, Up, Tab. */
  send(...keys: string[]): void {
    this.tmux('send-keys', ...keys);
  }

  /** Literal text (no key-name lookup). */
  type(text: string): void {
    this.tmux('send-keys', '-l', text);
  }

  /** The visible screen; capture-pane drops trailing blanks, blank lines at the end go too. */
  screen(): string {
    return this.tmux('capture-pane', '-p').replace(/\n+$/, '');
  }

  alive(): boolean {
    return spawnSync('tmux', ['-L', this.socket, 'has-session'], { stdio: 'ignore' }).status === 0;
  }

  /** Polls the screen until `test` passes; throws with the screen after `timeoutMs`. */
  async waitFor(test: RegExp | ((screen: string) => boolean), timeoutMs = 10_000): Promise<string> {
    const check = typeof test === 'function' ? test : (s: string) => test.test(s);
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < deadline) {
      screen = this.alive() ? this.screen() : '<session ended>';
      if (check(screen)) return screen;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${test}; screen:\n${screen}`);
  }

  /** Waits until the last line is a fresh prompt. */
  waitForPrompt(): Promise<string> {
    return this.waitFor((s) => PROMPT.test(s.split('\n').pop() ?? ''));
  }

  async waitForEnd(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.alive()) {
      if (Date.now() > deadline) throw new Error('the shell did not exit');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server'], { stdio: 'ignore' });
  }
}
