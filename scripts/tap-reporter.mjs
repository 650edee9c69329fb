// The tap reporter of every package (`"reporter": "../../scripts/tap-reporter.mjs"` in each
// package.json's tap config). On a terminal it is tap's own live `base` reporter; in a log (CI,
// turbo, a pipe) it prints one line per test file, each skipped test with its reason under it,
// every failure in full (its subtest path and tap's YAML diagnostics), and passes tap's closing
// comments through, among them the `# { total: N, pass: P, fail: F }` line .ci/run sums.
import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pathToFileURL } from 'node:url';

const INDENT = '    ';

/** Reads the raw TAP of a whole run (one top-level subtest per file) and writes the short form. */
export class LogReporter extends Transform {
  #pending = '';
  /** The file being read: its top-level lines, skips and failures, until its `ok`/`not ok`. */
  #file = undefined;
  /** Drop the YAML block under a failed file's line (set when its failures were printed). */
  #quietYaml = false;

  _transform(chunk, _encoding, done) {
    const lines = (this.#pending + chunk).split('\n');
    this.#pending = lines.pop();
    for (const line of lines) this.#line(line);
    done();
  }

  _flush(done) {
    if (this.#pending) this.#line(this.#pending);
    done();
  }

  #line(line) {
    if (!line.startsWith(INDENT) && !line.startsWith('  ')) return this.#topLevel(line);
    const file = this.#file;
    if (!file) {
      if (!this.#quietYaml) this.push(`${line}\n`);
      if (line === '  ...') this.#quietYaml = false;
      return;
    }
    const indent = line.length - line.trimStart().length;
    const text = line.trimStart();
    if (file.yaml) {
      if (!file.yaml.quiet) file.failures.push(`  ${line.slice(file.yaml.indent)}`);
      if (text === '...' && indent === file.yaml.indent) file.yaml = undefined;
      return;
    }
    // A subtest announced at depth d has its results at depth d + 1 and its own line at d.
    const depth = Math.floor(indent / INDENT.length);
    const subtest = /^# Subtest: (.*)$/.exec(text);
    if (subtest) {
      file.path.length = depth;
      file.path[depth - 1] = subtest[1];
      file.failedInside[depth] = false;
      return;
    }
    const result = /^(not )?ok \d+ - (.*)$/.exec(text);
    if (!result) return;
    const hash = result[2].indexOf(' # ');
    const name = hash < 0 ? result[2] : result[2].slice(0, hash);
    const directive = /^(SKIP|TODO)\b:? ?(.*)/i.exec(hash < 0 ? '' : result[2].slice(hash + 3));
    const where = [...file.path.slice(0, depth - 1), name].join(' > ');
    if (directive?.[1].toUpperCase() === 'SKIP') {
      file.skips.push(`    skip: ${where}${directive[2] ? ` (${directive[2]})` : ''}`);
    }
    if (!result[1] || directive) return;
    // A subtest that failed because something in it failed adds nothing to that failure.
    const closes = file.path[depth - 1] === name && file.failedInside[depth];
    file.failedInside.fill(true, 0, depth);
    if (closes) {
      file.yaml = { indent: indent + 2, quiet: true };
      return;
    }
    file.failures.push(`  not ok: ${where}`);
    file.yaml = { indent: indent + 2 };
  }

  #topLevel(line) {
    const subtest = /^# Subtest: (.*)$/.exec(line);
    if (subtest) {
      this.#file = {
        name: subtest[1],
        path: [],
        failedInside: [],
        skips: [],
        failures: [],
        yaml: undefined,
      };
      this.#quietYaml = false;
      return;
    }
    const file = this.#file;
    if (file && /^(not )?ok \d+ - /.test(line)) {
      this.push(`${line}\n`);
      for (const text of [...file.skips, ...file.failures]) this.push(`${text}\n`);
      // The process details under a failed file only matter when no failure explains it.
      this.#quietYaml = file.failures.length > 0;
      this.#file = undefined;
      return;
    }
    // A top-level not ok's diagnostics (a file that crashed or timed out) and tap's comments.
    if (line.trim() !== '' && line !== 'TAP version 14' && !/^1\.\.\d+$/.test(line)) {
      this.push(`${line}\n`);
    }
  }
}

/** The directory of a dependency of the package in `dir` (pnpm keeps them beside it). */
function dependencyDir(dir, name) {
  const nodeModules = basename(dirname(dir)).startsWith('@') ? dirname(dirname(dir)) : dirname(dir);
  return realpathSync(join(nodeModules, name));
}

/** tap's live reporter, from tap's runner's own dependencies (pnpm does not hoist them here). */
async function baseReporter() {
  const tapDir = realpathSync(dirname(createRequire(import.meta.url).resolve('tap/package.json')));
  const reporterDir = dependencyDir(dependencyDir(tapDir, '@tapjs/run'), '@tapjs/reporter');
  const { exports } = JSON.parse(readFileSync(join(reporterDir, 'package.json'), 'utf8'));
  const entry = join(reporterDir, exports['.'].import.default);
  return (await import(pathToFileURL(entry).href)).Base;
}

export default process.stdout.isTTY ? await baseReporter() : LogReporter;
