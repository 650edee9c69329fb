/**
 * bash's history expansion of an interactive line, the common part: event designators `!!`,
 * `!n`, `!-n`, `!string`, `!?string?`, word designators `!$`, `!^`, `!*` and `:n`, `:$`,
 * `:^`, `:*`, `:n-m` after an event, and `^old^new^` at the start of a line. Nothing expands
 * inside single quotes or after a backslash; `!` before a blank, `=`, `(` or the end of the
 * line stays as it is, and so do `$!` and `${!name}`.
 */

export type Expansion = { text: string; expanded: boolean } | { error: string };

const WORD = /(?:'[^']*'|"(?:\\.|[^"\\])*"|\\.|[^\s'"\\])+/g;

function words(command: string): string[] {
  return command.match(WORD) ?? [];
}

/** Selects words of an event: `$`, `^`, `*`, `n`, `n-m`, `n-$`. */
function selectWords(command: string, designator: string): string | undefined {
  const all = words(command);
  const index = (spec: string) => (spec === '$' ? all.length - 1 : spec === '^' ? 1 : Number(spec));
  if (designator === '*') return all.slice(1).join(' ');
  const range = /^(\d+|\^|\$)(?:-(\d+|\$))?$/.exec(designator);
  if (!range) return undefined;
  const from = index(range[1]);
  const to = range[2] === undefined ? from : index(range[2]);
  if (from < 0 || to >= all.length || from > to || Number.isNaN(from)) return undefined;
  return all.slice(from, to + 1).join(' ');
}

export function expandHistory(line: string, entries: readonly string[]): Expansion {
  const previous = entries[entries.length - 1];
  const quick = /^\^([^^]*)\^([^^]*)\^?(.*)$/.exec(line);
  if (quick) {
    if (previous === undefined || !previous.includes(quick[1])) {
      return { error: `:s^${quick[1]}^${quick[2]}: substitution failed` };
    }
    return { text: previous.replace(quick[1], quick[2]) + quick[3], expanded: true };
  }
  let out = '';
  let expanded = false;
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = '';
      out += c;
      continue;
    }
    if (c === '\\') {
      out += c + (line[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === "'" || c === '"') quote = quote === c ? '' : quote === '' ? c : quote;
    const next = line[i + 1];
    // `$!` and `${!name}` are parameter expansions, not history.
    const parameter = line[i - 1] === '$' || line.slice(i - 2, i) === '${';
    const literal = next === undefined || /[\s=(]/.test(next) || (quote === '"' && next === '"');
    if (c !== '!' || literal || parameter) {
      out += c;
      continue;
    }
    const match =
      /^!(!|-?\d+|\?[^?\n]*\??|[$^*]|[^\s:$^*!"'=(]+)(?::([$^*]|\d+(?:-(?:\d+|\$))?|\$|\^))?/.exec(
        line.slice(i),
      );
    if (!match) {
      out += c;
      continue;
    }
    const [whole, event, designator] = match;
    let command: string | undefined;
    let wordSpec = designator;
    if (event === '$' || event === '^' || event === '*') {
      command = previous;
      wordSpec = event;
    } else if (event === '!') {
      command = previous;
    } else if (/^-?\d+$/.test(event)) {
      const n = Number(event);
      command = n < 0 ? entries[entries.length + n] : entries[n - 1];
    } else if (event.startsWith('?')) {
      const needle = event.slice(1).replace(/\?$/, '');
      command = [...entries].reverse().find((e) => e.includes(needle));
    } else {
      command = [...entries].reverse().find((e) => e.startsWith(event));
    }
    if (command === undefined) return { error: `${whole}: event not found` };
    const text = wordSpec === undefined ? command : selectWords(command, wordSpec);
    if (text === undefined) return { error: `${whole}: bad word specifier` };
    out += text;
    expanded = true;
    i += whole.length - 1;
  }
  return { text: out, expanded };
}
