// What Docker does with a Dockerfile and a compose service, modelled closely enough to run a
// container's process without a Docker engine (scripts/test/compose.test.mjs uses it): the final
// stage's ENTRYPOINT, CMD, ENV, WORKDIR, USER, COPY and HEALTHCHECK, the base image's defaults,
// and the compose rules for `command:` and `entrypoint:`.

/**
 * The defaults of the base images our Dockerfiles use, and the programs in them that our own
 * machine does not have. node's official images start `docker-entrypoint.sh`, which runs its
 * arguments with `node` prepended when the first one starts with `-` or is not a command: that is
 * how a bare `command: ["--host", ...]` became `node --host ...` and crash-looped.
 */
export const baseImages = {
  'node:22-slim': {
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['node'],
    // The commands on the image's PATH that docker-entrypoint.sh can tell from flags.
    commands: ['node', 'npm', 'npx', 'corepack', 'yarn', 'sh', 'bash', 'env'],
    programs: {
      'docker-entrypoint.sh': (args, isCommand) =>
        args.length === 0 || args[0].startsWith('-') || !isCommand(args[0])
          ? ['node', ...args]
          : args,
    },
  },
};

/** Dockerfile text to instructions: comments dropped, `\` continuations joined. */
export function instructions(text) {
  const out = [];
  let pending = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue; // comments, also inside a continued instruction
    const continued = /\\\s*$/.test(line);
    pending += continued ? line.replace(/\\\s*$/, ' ') : line;
    if (continued) continue;
    const match = /^\s*(\w+)\s*(.*)$/.exec(pending);
    if (match) out.push({ keyword: match[1].toUpperCase(), rest: match[2].trim() });
    pending = '';
  }
  return out;
}

/** ENTRYPOINT/CMD/HEALTHCHECK CMD argument: exec form (a JSON array) or shell form. */
export function commandForm(rest) {
  if (rest.startsWith('[')) {
    try {
      const list = JSON.parse(rest);
      if (Array.isArray(list) && list.every((word) => typeof word === 'string')) return list;
    } catch {
      // Not valid JSON: Docker then takes the text as shell form, as below.
    }
  }
  return ['/bin/sh', '-c', rest];
}

/**
 * The image the final stage of a Dockerfile produces: { base, entrypoint, cmd, env, workdir,
 * user, copies: [{ from, to }], healthcheck }. A stage built FROM an earlier stage inherits it.
 */
export function imageOf(text) {
  const stages = new Map();
  let image;
  for (const { keyword, rest } of instructions(text)) {
    if (keyword === 'FROM') {
      const [ref, , name] = rest.split(/\s+/);
      const parent = stages.get(ref);
      const base = parent?.base ?? ref;
      const defaults = parent ?? baseImages[ref];
      if (!defaults)
        throw new Error(`base image ${ref} is not modelled in scripts/docker-model.mjs`);
      image = {
        base,
        entrypoint: defaults.entrypoint,
        cmd: defaults.cmd,
        cmdInherited: true,
        env: { ...(parent?.env ?? {}) },
        workdir: parent?.workdir ?? '/',
        user: parent?.user ?? 'root',
        copies: [...(parent?.copies ?? [])],
        healthcheck: parent?.healthcheck,
      };
      if (name) stages.set(name, image);
    } else if (keyword === 'ENTRYPOINT') {
      image.entrypoint = commandForm(rest);
      // Docker: setting ENTRYPOINT resets a CMD that came from the base image.
      if (image.cmdInherited) image.cmd = [];
    } else if (keyword === 'CMD') {
      image.cmd = commandForm(rest);
      image.cmdInherited = false;
    } else if (keyword === 'ENV') {
      const pairs = rest.includes('=')
        ? [...rest.matchAll(/(\w+)=("[^"]*"|\S*)/g)].map((m) => [m[1], m[2].replace(/^"|"$/g, '')])
        : [rest.split(/\s+(.*)/s).slice(0, 2)];
      for (const [key, value] of pairs) image.env[key] = value;
    } else if (keyword === 'WORKDIR') {
      image.workdir = rest;
    } else if (keyword === 'USER') {
      image.user = rest;
    } else if (keyword === 'COPY' && !rest.startsWith('--from')) {
      const words = rest.split(/\s+/).filter((word) => !word.startsWith('--'));
      image.copies.push({ from: words.slice(0, -1), to: words.at(-1) });
    } else if (keyword === 'HEALTHCHECK') {
      const at = rest.indexOf('CMD');
      image.healthcheck = rest === 'NONE' ? undefined : commandForm(rest.slice(at + 3).trim());
    }
  }
  if (!image) throw new Error('no FROM in the Dockerfile');
  return image;
}

/** A compose `command:`/`entrypoint:` string is split into words as compose does (quotes kept together). */
export function composeWords(value) {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String);
  return [...String(value).matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/**
 * The argv the container's process starts with: compose `entrypoint:` replaces the image's
 * ENTRYPOINT (and drops its CMD), compose `command:` replaces CMD and never the ENTRYPOINT.
 */
export function containerArgv(image, service) {
  const entrypoint = composeWords(service.entrypoint);
  const command = composeWords(service.command);
  const cmd = command ?? (entrypoint ? [] : image.cmd);
  return [...(entrypoint ?? image.entrypoint), ...cmd];
}

/**
 * Resolves the programs of the base image that this machine lacks (docker-entrypoint.sh) until
 * argv starts with a real program. `hasFile(path)` says whether the image holds that file.
 */
export function resolveImagePrograms(image, argv, hasFile) {
  const { programs = {}, commands = [] } = baseImages[image.base] ?? {};
  const isCommand = (name) => (name.includes('/') ? hasFile(name) : commands.includes(name));
  for (let depth = 0; depth < 5 && programs[argv[0]]; depth++) {
    argv = programs[argv[0]](argv.slice(1), isCommand);
  }
  return argv;
}

/** A compose healthcheck `test:` as argv: CMD form, CMD-SHELL form or a plain string. */
export function healthcheckArgv(test) {
  if (typeof test === 'string') return ['/bin/sh', '-c', test];
  const [kind, ...rest] = test;
  if (kind === 'CMD') return rest;
  if (kind === 'CMD-SHELL') return ['/bin/sh', '-c', rest.join(' ')];
  throw new Error(`healthcheck test kind ${kind} runs nothing`);
}
