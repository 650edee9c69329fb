import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import {
  type CliInfo,
  type ConfigOf,
  type OptionTable,
  commonOptions,
  loadCliConfig,
  parseCli,
  parseDuration,
  parseSize,
  splitConfigLine,
} from '../src/config.js';
import { tempDir } from '../src/testing.js';

const info: CliInfo = {
  name: 'strata-test',
  version: '1.2.3',
  summary: 'a test daemon',
  envPrefix: 'STRATA_TEST',
  epilog: 'Signals: SIGTERM stops.',
};

const table = {
  ...commonOptions({ port: 7000 }),
  maxClients: { type: 'integer', default: 100, min: 1, description: 'most clients at once' },
  ratio: { type: 'number', default: 0.5, min: 0, max: 1, description: 'a ratio' },
  appendonly: { type: 'yesno', default: false, description: 'append-only file' },
  autoindex: { type: 'boolean', default: false, short: 'a', description: 'list directories' },
  maxmemory: { type: 'size', default: 0, description: 'memory limit' },
  timeout: { type: 'duration', unit: 's', default: 0, description: 'idle timeout' },
  headerTimeout: { type: 'duration', default: 10_000, description: 'header timeout' },
  policy: {
    type: 'enum',
    choices: ['noeviction', 'allkeys-lru'],
    default: 'noeviction',
    description: 'eviction policy',
  },
  save: { type: 'string', repeatable: true, description: 'snapshot rule' },
  secret: { type: 'string', env: false, description: 'not from the environment' },
} as const satisfies OptionTable;

function run(argv: string[], env: NodeJS.ProcessEnv = {}): ConfigOf<typeof table> {
  const result = parseCli(table, info, argv, env);
  if (result.kind !== 'run') throw new Error(`unexpected exit: ${result.output}`);
  return result.config;
}

function exit(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const result = parseCli(table, info, argv, env);
  if (result.kind !== 'exit') throw new Error('expected an exit');
  return result;
}

t.test('defaults', async (t) => {
  const config = run([]);
  t.same(config, {
    host: '127.0.0.1',
    port: 7000,
    maxClients: 100,
    ratio: 0.5,
    appendonly: false,
    autoindex: false,
    maxmemory: 0,
    timeout: 0,
    headerTimeout: 10_000,
    policy: 'noeviction',
    save: [],
  });
  // Typed: options with defaults are never undefined, others may be.
  const port: number = config.port;
  const unix: string | undefined = config.unix;
  const save: string[] = config.save;
  t.ok(port && unix === undefined && save);
});

t.test('flags of every type', async (t) => {
  const config = run([
    '--port',
    '0',
    '--host=::1',
    '--max-clients',
    '5',
    '--ratio',
    '0.25',
    '--appendonly',
    'yes',
    '-a',
    '--maxmemory',
    '64mb',
    '--timeout',
    '30',
    '--header-timeout',
    '1.5s',
    '--policy',
    'ALLKEYS-LRU',
    '--save',
    '900 1',
    '--save',
    '60 10000',
    '--log-level',
    'debug',
    '--metrics-port',
    '9121',
    '--statsd',
    'localhost:8125',
  ]);
  t.match(config, {
    port: 0,
    host: '::1',
    maxClients: 5,
    ratio: 0.25,
    appendonly: true,
    autoindex: true,
    maxmemory: 64 * 1024 * 1024,
    timeout: 30_000,
    headerTimeout: 1500,
    policy: 'allkeys-lru',
    save: ['900 1', '60 10000'],
    logLevel: 'debug',
    metricsPort: 9121,
    statsd: 'localhost:8125',
  });
});

t.test('yesno, size and duration spellings', async (t) => {
  for (const [text, value] of [
    ['yes', true],
    ['YES', true],
    ['on', true],
    ['1', true],
    ['true', true],
    ['no', false],
    ['off', false],
    ['0', false],
    ['false', false],
  ] as const) {
    t.equal(run(['--appendonly', text]).appendonly, value, text);
  }
  t.equal(parseSize('100'), 100);
  t.equal(parseSize('1k'), 1000);
  t.equal(parseSize('1kb'), 1024);
  t.equal(parseSize('2m'), 2e6);
  t.equal(parseSize('2MB'), 2 * 1024 * 1024);
  t.equal(parseSize('1g'), 1e9);
  t.equal(parseSize('1gb'), 1024 ** 3);
  t.equal(parseSize('1tb'), undefined);
  t.equal(parseSize('-1'), undefined);
  t.equal(parseSize('1.5mb'), undefined);
  t.equal(parseDuration('250ms'), 250);
  t.equal(parseDuration('30s'), 30_000);
  t.equal(parseDuration('5m'), 300_000);
  t.equal(parseDuration('1h'), 3_600_000);
  t.equal(parseDuration('15'), 15);
  t.equal(parseDuration('15', 's'), 15_000);
  t.equal(parseDuration('1d'), undefined);
  t.equal(parseDuration('-5s'), undefined);
});

t.test('environment variables', async (t) => {
  const config = run([], {
    STRATA_TEST_PORT: '7001',
    STRATA_TEST_MAX_CLIENTS: '7',
    STRATA_TEST_APPENDONLY: 'yes',
    STRATA_TEST_AUTOINDEX: 'true',
    STRATA_TEST_SAVE: '1 1',
    STRATA_TEST_SECRET: 'ignored',
    LOG_LEVEL: 'warn',
    STRATA_TEST_RATIO: '',
  });
  t.match(config, {
    port: 7001,
    maxClients: 7,
    appendonly: true,
    autoindex: true,
    save: ['1 1'],
    logLevel: 'warn',
    ratio: 0.5,
  });
  t.equal(config.secret, undefined, 'env: false options ignore the environment');
  const bad = exit([], { STRATA_TEST_PORT: 'eighty' });
  t.equal(bad.code, 2);
  t.match(bad.output, /environment STRATA_TEST_PORT: expected an integer/);
});

t.test('config files: redis.conf style and JSON', async (t) => {
  const dir = tempDir(t);
  const conf = join(dir, 'strata.conf');
  writeFileSync(
    conf,
    [
      '# a comment',
      '',
      'port 7100',
      'max-clients 50',
      '  appendonly   yes  ',
      'autoindex',
      'maxmemory 1gb',
      'save 900 1',
      'save "300 10"',
      'secret "two words \\"quoted\\"\\n"',
      'POLICY allkeys-lru',
      'maxClients 60',
    ].join('\r\n'),
  );
  t.match(run(['--config', conf]), {
    port: 7100,
    maxClients: 60,
    appendonly: true,
    autoindex: true,
    maxmemory: 1024 ** 3,
    save: ['900 1', '300 10'],
    secret: 'two words "quoted"\n',
    policy: 'allkeys-lru',
    config: conf,
  });

  const json = join(dir, 'strata.json');
  writeFileSync(
    json,
    JSON.stringify({ port: 7200, appendonly: true, save: ['1 2', '3 4'], 'max-clients': 9 }),
  );
  t.match(run(['--config', json]), {
    port: 7200,
    appendonly: true,
    save: ['1 2', '3 4'],
    maxClients: 9,
  });
  t.match(run([], { STRATA_TEST_CONFIG: json }), { port: 7200 }, 'config path from env');
});

t.test('precedence: defaults < file < environment < flags', async (t) => {
  const dir = tempDir(t);
  const conf = join(dir, 'p.conf');
  writeFileSync(conf, 'port 1\nmax-clients 2\nratio 0.1\nsave 1 1\n');
  const config = run(['--config', conf, '--port', '3', '--save', 'flag'], {
    STRATA_TEST_PORT: '4',
    STRATA_TEST_MAX_CLIENTS: '5',
    STRATA_TEST_SAVE: 'env',
  });
  t.equal(config.port, 3, 'flag beats env and file');
  t.equal(config.maxClients, 5, 'env beats file');
  t.equal(config.ratio, 0.1, 'file beats default');
  t.same(config.save, ['flag'], 'a repeatable flag replaces lower sources');
  t.same(run(['--config', conf]).save, ['1 1']);
});

t.test('config positional argument, as redis-server takes it', async (t) => {
  const dir = tempDir(t);
  const conf = join(dir, 'r.conf');
  writeFileSync(conf, 'port 6390\n');
  const positional = { ...info, configPositional: true };
  const result = parseCli(table, positional, [conf, '--max-clients', '3'], {});
  t.match(result, { kind: 'run', config: { port: 6390, maxClients: 3, config: conf } });
  t.match(parseCli(table, positional, [conf, conf], {}), { kind: 'exit', code: 2 });
  t.match(exit([conf]), { code: 2 }, 'positionals are refused unless enabled');
});

t.test('errors exit with status 2 and one line', async (t) => {
  const dir = tempDir(t);
  const unknownInFile = join(dir, 'u.conf');
  writeFileSync(unknownInFile, 'port 1\nbogus-option 2\n');
  const badQuotes = join(dir, 'q.conf');
  writeFileSync(badQuotes, 'secret "unterminated\n');
  const badJson = join(dir, 'b.json');
  writeFileSync(badJson, '{"port": ');
  const arrayJson = join(dir, 'a.json');
  writeFileSync(arrayJson, '[1]');
  const bareValue = join(dir, 'v.conf');
  writeFileSync(bareValue, 'port\n');
  const cases: Array<[string[], RegExp]> = [
    [['--bogus'], /^strata-test: Unknown option '--bogus' \(see --help\)\n$/],
    [['-z'], /Unknown option '-z'/],
    [['--port', 'abc'], /^strata-test: --port: expected an integer, got 'abc'\n$/],
    [['--port', '12.5'], /expected an integer/],
    [['--port', '1e3'], /expected an integer/],
    [['--max-clients', '99999999999999999999'], /expected an integer/],
    [['--port', '70000'], /--port: must be <= 65535/],
    [['--max-clients', '0'], /--max-clients: must be >= 1/],
    [['--ratio', 'half'], /expected a number/],
    [['--ratio', '2'], /must be <= 1/],
    [['--port'], /argument missing/],
    [['--autoindex=yes'], /does not take an argument/],
    [['--ratio', '-1'], /'--ratio' argument is ambiguous; write --ratio=VALUE for a value/],
    [['--ratio=-1'], /--ratio: must be >= 0/],
    [['--appendonly', 'maybe'], /expected yes or no, got 'maybe'/],
    [['--maxmemory', '12parsecs'], /expected a size like 64mb/],
    [['--timeout', 'soon'], /expected a duration like 30s/],
    [['--policy', 'random'], /expected one of noeviction, allkeys-lru, got 'random'/],
    [['--log-level', 'loud'], /expected one of fatal, error/],
    [['--config', join(dir, 'missing.conf')], /cannot read config file/],
    [['--config', unknownInFile], /u\.conf: unknown option 'bogus-option'/],
    [['--config', badQuotes], /q\.conf:1: unbalanced quotes/],
    [['--config', badJson], /b\.json: invalid JSON/],
    [['--config', arrayJson], /a\.json: expected a JSON object/],
    [['--config', bareValue], /v\.conf: port: requires a value/],
    [['extra'], /Unexpected argument 'extra'/],
  ];
  for (const [argv, message] of cases) {
    const result = exit(argv);
    t.equal(result.code, 2, argv.join(' '));
    t.match(result.output, message, argv.join(' '));
    t.equal(result.output.split('\n').length, 2, `${argv.join(' ')}: one line`);
  }
});

t.test('--help lists every flag with defaults and env; --version', async (t) => {
  for (const flag of ['--help', '-h']) {
    const help = exit([flag]);
    t.equal(help.code, 0);
    t.match(help.output, /^strata-test 1\.2\.3: a test daemon\n\nUsage: strata-test \[options\]/);
    for (const text of [
      '--host <string>',
      '--port <integer>',
      '--max-clients <integer>',
      '-a, --autoindex',
      '--policy <noeviction|allkeys-lru>',
      '--appendonly <yesno>',
      '(default no)',
      '(default 7000)',
      '[STRATA_TEST_PORT]',
      '[LOG_LEVEL]',
      '--metrics-port <integer>',
      '--statsd <string>',
      '-h, --help',
      '-V, --version',
      'Signals: SIGTERM stops.',
    ]) {
      t.ok(help.output.includes(text), `help mentions ${text}`);
    }
    t.notOk(help.output.includes('STRATA_TEST_SECRET'), 'no env for env: false');
  }
  t.same(exit(['--version']), { kind: 'exit', code: 0, output: '1.2.3\n' });
  t.same(exit(['-V']), { kind: 'exit', code: 0, output: '1.2.3\n' });
});

t.test('splitConfigLine', async (t) => {
  t.same(splitConfigLine('save 900 1'), ['save', '900', '1']);
  t.same(splitConfigLine(`dir '/a b' "c\\td"`), ['dir', '/a b', 'c\td']);
  t.same(splitConfigLine('  spaced\t\tout  '), ['spaced', 'out']);
  t.same(splitConfigLine(''), []);
  t.throws(() => splitConfigLine(`x 'open`));
});

t.test('loadCliConfig prints and exits for help and errors', async (t) => {
  const exits: number[] = [];
  const printed: string[] = [];
  const realExit = process.exit;
  const realOut = process.stdout.write;
  const realErr = process.stderr.write;
  const capture = (chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  };
  process.exit = ((code: number) => {
    exits.push(code);
    throw new Error('exited');
  }) as typeof process.exit;
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  // No assertion while output is captured: tap writes its own report to stdout.
  const attempt = (argv: string[]) => {
    try {
      return loadCliConfig(table, info, argv).port;
    } catch (err) {
      return (err as Error).message;
    }
  };
  let results: Array<number | string>;
  try {
    results = [attempt(['--version']), attempt(['--port', 'x']), attempt(['--port', '9'])];
  } finally {
    process.exit = realExit;
    process.stdout.write = realOut;
    process.stderr.write = realErr;
  }
  t.same(results, ['exited', 'exited', 9]);
  t.same(exits, [0, 2]);
  t.equal(printed[0], '1.2.3\n');
  t.match(printed[1], /expected an integer/);
});
