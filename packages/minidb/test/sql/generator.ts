/**
 * Seeded random SQL for the differential test: expressions over typed columns with NULLs,
 * joins of every kind, aggregates with GROUP BY/HAVING, casts, set operations, subqueries.
 * Everything generated is PostgreSQL syntax; the reference decides what is right. Generated
 * WHERE predicates are wrapped in `(...) IS TRUE`: PostgreSQL orders top-level conjuncts by
 * estimated cost, which would otherwise decide which of two row errors surfaces first.
 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SCHEMA = [
  'CREATE TABLE ta (id integer PRIMARY KEY, x integer, y integer, t text, n numeric(10,2), f double precision, b boolean, g bigint)',
  'CREATE TABLE tb (id integer PRIMARY KEY, a_id integer, v integer, s text)',
];

export function seedData(random: () => number): string[] {
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const maybe = (v: string) => (random() < 0.15 ? 'NULL' : v);
  const words = ["'apple'", "'Banana'", "'cherry'", "''", "'a_b%c'", "'zeta'", "'APPLE'", "'b'"];
  const out: string[] = [];
  for (let id = 1; id <= 12; id++) {
    const x = maybe(String(Math.floor(random() * 21) - 10));
    const y = maybe(String(pick([0, 1, 2, 3, -1, 7, 100, 2147483647, -2147483648])));
    const n = maybe(pick(['0', '1.5', '-2.25', '12.34', '99999999.99', '0.01', '3']));
    const f = maybe(pick(['0', '1.5', '-0.1', '1e10', '3.14159', '2.5', '-7']));
    const b = maybe(pick(['true', 'false']));
    const g = maybe(pick(['0', '9223372036854775807', '-5', '123456789012', '42']));
    out.push(
      `INSERT INTO ta VALUES (${id}, ${x}, ${y}, ${maybe(pick(words))}, ${n}, ${f}, ${b}, ${g})`,
    );
  }
  for (let id = 1; id <= 12; id++) {
    const a = maybe(String(Math.floor(random() * 15)));
    out.push(
      `INSERT INTO tb VALUES (${id}, ${a}, ${maybe(String(Math.floor(random() * 7) - 3))}, ${maybe(pick(words))})`,
    );
  }
  return out;
}

type Kind = 'int' | 'num' | 'float' | 'text' | 'bool' | 'big';

const COLUMNS: Record<Kind, string[]> = {
  int: ['x', 'y', 'id'],
  num: ['n'],
  float: ['f'],
  text: ['t'],
  bool: ['b'],
  big: ['g'],
};

export class QueryGenerator {
  private readonly pick = <T>(xs: T[]): T => xs[Math.floor(this.random() * xs.length)];

  constructor(private readonly random: () => number) {}

  private chance(p: number): boolean {
    return this.random() < p;
  }

  literal(kind: Kind): string {
    switch (kind) {
      case 'int':
        return this.pick(['0', '1', '2', '-3', '10', '2147483647', 'NULL::integer']);
      case 'num':
        return this.pick(['1.5', '0.333', '-2.50', '100', '0.0']);
      case 'float':
        return this.pick(['1.5::float8', '0.1::float8', "'-2'::float8", '1e300::float8']);
      case 'text':
        return this.pick(["'apple'", "'%p%'", "'a\\_b%'", "''", "'B'", 'NULL::text']);
      case 'bool':
        return this.pick(['true', 'false', 'NULL::boolean']);
      case 'big':
        return this.pick(['9223372036854775807', '5::bigint', '-1::bigint']);
    }
  }

  expr(kind: Kind, depth = 0): string {
    if (depth > 2 || this.chance(0.3))
      return this.chance(0.7) ? this.pick(COLUMNS[kind]) : this.literal(kind);
    const d = depth + 1;
    switch (kind) {
      case 'int':
        return this.pick([
          () =>
            `(${this.expr('int', d)} ${this.pick(['+', '-', '*', '/', '%'])} ${this.expr('int', d)})`,
          () => `abs(${this.expr('int', d)})`,
          () => `-${this.expr('int', d)}`,
          () => `coalesce(${this.expr('int', d)}, ${this.expr('int', d)})`,
          () => `nullif(${this.expr('int', d)}, ${this.expr('int', d)})`,
          () =>
            `CASE WHEN ${this.expr('bool', d)} THEN ${this.expr('int', d)} ELSE ${this.expr('int', d)} END`,
          () => `length(${this.expr('text', d)})`,
          () => `${this.expr('num', d)}::integer`,
          () => `greatest(${this.expr('int', d)}, ${this.expr('int', d)})`,
          () => `least(${this.expr('int', d)}, ${this.expr('int', d)}, 0)`,
          () => `mod(${this.expr('int', d)}, ${this.expr('int', d)})`,
        ])();
      case 'big':
        return this.pick([
          () =>
            `(${this.expr('big', d)} ${this.pick(['+', '-', '*', '/'])} ${this.expr(this.pick(['big', 'int']), d)})`,
          () => `${this.expr('int', d)}::bigint`,
        ])();
      case 'num':
        return this.pick([
          () =>
            `(${this.expr('num', d)} ${this.pick(['+', '-', '*', '/'])} ${this.expr(this.pick(['num', 'int']), d)})`,
          () => `round(${this.expr('num', d)}, ${this.pick(['0', '1', '2'])})`,
          () => `abs(${this.expr('num', d)})`,
          () => `${this.expr('int', d)}::numeric`,
          () => `floor(${this.expr('num', d)})`,
          () => `ceil(${this.expr('num', d)})`,
        ])();
      case 'float':
        return this.pick([
          () =>
            `(${this.expr('float', d)} ${this.pick(['+', '-', '*', '/'])} ${this.expr(this.pick(['float', 'int']), d)})`,
          () => `${this.expr('int', d)}::float8`,
          () => `abs(${this.expr('float', d)})`,
        ])();
      case 'text':
        return this.pick([
          () => `(${this.expr('text', d)} || ${this.expr(this.pick(['text', 'int']), d)})`,
          () => `lower(${this.expr('text', d)})`,
          () => `upper(${this.expr('text', d)})`,
          () =>
            `substr(${this.expr('text', d)}, ${this.pick(['1', '2', '0', '-1'])}, ${this.pick(['1', '3', '10'])})`,
          () => `${this.expr('int', d)}::text`,
          () => `replace(${this.expr('text', d)}, 'a', 'x')`,
          () => `coalesce(${this.expr('text', d)}, 'none')`,
        ])();
      case 'bool':
        return this.pick([
          () =>
            `(${this.expr('int', d)} ${this.pick(['=', '<>', '<', '>', '<=', '>='])} ${this.expr('int', d)})`,
          () => `(${this.expr('num', d)} ${this.pick(['=', '<', '>='])} ${this.expr('int', d)})`,
          () => `(${this.expr('text', d)} ${this.pick(['=', '<', '>'])} ${this.expr('text', d)})`,
          () => `(${this.expr('bool', d)} ${this.pick(['AND', 'OR'])} ${this.expr('bool', d)})`,
          () => `NOT ${this.expr('bool', d)}`,
          () =>
            `(${this.expr(this.pick(['int', 'text', 'num']), d)} IS ${this.pick(['', 'NOT '])}NULL)`,
          () =>
            `(${this.expr('int', d)} ${this.pick(['', 'NOT '])}BETWEEN ${this.expr('int', d)} AND ${this.expr('int', d)})`,
          () =>
            `(${this.expr('int', d)} ${this.pick(['', 'NOT '])}IN (${this.expr('int', d)}, ${this.literal('int')}, 3))`,
          () =>
            `(${this.expr('text', d)} ${this.pick(['LIKE', 'NOT LIKE', 'ILIKE'])} ${this.pick(["'%p%'", "'a%'", "'_'", "'%'", "'a\\_b%'", "'%E'"])})`,
          () => `(${this.expr('int', d)} IS DISTINCT FROM ${this.expr('int', d)})`,
          () => `(${this.expr('bool', d)} IS ${this.pick(['TRUE', 'NOT FALSE', 'UNKNOWN'])})`,
        ])();
    }
  }

  /** One query of a random shape. */
  query(): string {
    const kinds: Kind[] = ['int', 'num', 'float', 'text', 'bool', 'big'];
    return this.pick([
      () =>
        `SELECT id, ${this.expr(this.pick(kinds))}, ${this.expr(this.pick(kinds))} FROM ta ORDER BY id`,
      () => `SELECT id FROM ta WHERE (${this.expr('bool')}) IS TRUE ORDER BY id`,
      () => `SELECT ${this.expr(this.pick(kinds))}`,
      () => {
        const join = this.pick(['JOIN', 'LEFT JOIN', 'RIGHT JOIN', 'FULL JOIN']);
        return `SELECT ta.id, tb.id, tb.v FROM ta ${join} tb ON ${this.pick(['ta.id = tb.a_id', 'ta.x = tb.v', 'ta.id = tb.a_id AND tb.v > 0', 'ta.t = tb.s'])} ORDER BY 1 NULLS FIRST, 2 NULLS FIRST`;
      },
      () =>
        `SELECT ta.id, tb.id FROM ta, tb WHERE ta.id = tb.a_id AND (${this.expr('bool')}) IS TRUE ORDER BY 1, 2`,
      () =>
        `SELECT tb.id, s FROM ta JOIN tb USING (id) WHERE (${this.expr('bool')}) IS TRUE ORDER BY 1`,
      () => {
        const key = this.pick(['x % 3', 'b', 't', 'y > 0', 'x IS NULL']);
        return `SELECT ${key} AS k, count(*), count(x), sum(x), sum(g), avg(x), avg(n), min(t), max(f), count(DISTINCT y), bool_and(b), bool_or(b) FROM ta GROUP BY 1 ${this.chance(0.5) ? 'HAVING count(*) > 1' : ''} ORDER BY 1 NULLS FIRST`;
      },
      () =>
        `SELECT sum(y), avg(f), min(n), max(n), string_agg(t, ',' ORDER BY id), count(*) FILTER (WHERE ${this.expr('bool')}) FROM ta`,
      () =>
        `SELECT id, (SELECT count(*) FROM tb WHERE tb.a_id = ta.id) FROM ta WHERE ${this.pick(['EXISTS', 'NOT EXISTS'])} (SELECT 1 FROM tb WHERE tb.v = ta.x) ORDER BY id`,
      () =>
        `SELECT id FROM ta WHERE x ${this.pick(['IN', 'NOT IN'])} (SELECT v FROM tb) ORDER BY id`,
      () =>
        `SELECT id FROM ta WHERE x ${this.pick(['>', '<=', '='])} ${this.pick(['ANY', 'ALL'])} (SELECT v FROM tb WHERE v IS NOT NULL) ORDER BY id`,
      () =>
        `SELECT x FROM ta ${this.pick(['UNION', 'UNION ALL', 'INTERSECT', 'EXCEPT', 'EXCEPT ALL'])} SELECT v FROM tb ORDER BY 1 NULLS LAST`,
      () => `SELECT DISTINCT ${this.pick(['x % 2', 't', 'b'])} FROM ta ORDER BY 1`,
      () => `SELECT DISTINCT ON (b) b, id FROM ta ORDER BY b, id DESC`,
      () =>
        `SELECT id, x FROM ta ORDER BY x ${this.pick(['ASC', 'DESC'])} ${this.pick(['NULLS FIRST', 'NULLS LAST', ''])}, id LIMIT ${this.pick(['3', '5', 'ALL'])} OFFSET ${this.pick(['0', '2'])}`,
      () =>
        `SELECT ${this.pick(["'12'::integer", "'abc'::integer", "'1.5'::numeric(3,1)", "'99.99'::numeric(3,1)", "'x'::boolean", "'t'::boolean", '2147483647 + 1', "'9223372036854775807'::bigint + 1", '1/0', '1.0/0', 'nosuchcol', "'2024-02-30'::date", "'2024-02-29'::date + 1", 'length(1)', "'a' + 1"])}`,
      () =>
        `WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < ${this.pick(['3', '10'])}) SELECT i, i * i FROM r ORDER BY i`,
      () =>
        `SELECT x, count(*) FROM ta GROUP BY x HAVING ${this.pick(['count(*) > 1', 'x > 0', 'sum(y) IS NULL'])} ORDER BY x NULLS FIRST`,
    ])();
  }
}
