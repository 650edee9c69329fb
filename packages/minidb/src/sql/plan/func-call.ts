import { SqlError } from '../../engine/errors.js';
import { isAggregate } from '../functions/aggregates.js';
import { noSuchFunction, SCALAR_FUNCTIONS } from '../functions/scalar.js';
import type { Expr } from '../parse/ast.js';
import type { CompileContext } from './context.js';
import { compileExpr, constantValue } from './expr.js';
import type { Compiled } from './scope.js';

/** Function calls: aggregates (to the grouping collector), window calls, scalar functions. */
export function compileFunction(e: Expr & { kind: 'func' }, cc: CompileContext): Compiled {
  const name = e.name[e.name.length - 1];
  if (e.name.length > 1 && e.name[0] !== 'pg_catalog' && e.name[0] !== 'public') {
    throw new SqlError('3F000', `schema "${e.name[0]}" does not exist`, { position: e.pos + 1 });
  }
  if (e.over) {
    if (!cc.windows)
      throw new SqlError('42P20', 'window functions are not allowed here', { position: e.pos + 1 });
    return cc.windows.add(e);
  }
  if (isAggregate(name)) {
    if (!cc.aggregates)
      throw new SqlError('42803', 'aggregate functions are not allowed here', {
        position: e.pos + 1,
      });
    const collector = cc.aggregates;
    const argContext: CompileContext = {
      ...cc,
      scope: collector.inputScope,
      aggregates: undefined,
      windows: undefined,
    };
    return collector.add(e, (arg) => {
      if (containsAggregate(arg))
        throw new SqlError('42803', 'aggregate function calls cannot be nested', {
          position: arg.pos + 1,
        });
      return compileExpr(arg, argContext);
    });
  }
  if (e.star)
    throw new SqlError('42809', `${name}(*) specified, but ${name} is not an aggregate function`, {
      position: e.pos + 1,
    });
  const builder = SCALAR_FUNCTIONS[name];
  const args =
    name === 'coalesce' ? compileCoalesceArgs(e.args, cc) : e.args.map((a) => compileExpr(a, cc));
  if (!builder) throw noSuchFunction(name, args, e.pos);
  return builder(args, e.pos, cc);
}

export function containsAggregate(e: Expr): boolean {
  let found = false;
  const visit = (x: unknown): void => {
    if (found || x === null || typeof x !== 'object') return;
    if (Array.isArray(x)) {
      x.forEach(visit);
      return;
    }
    const node = x as { kind?: string; name?: string[]; over?: unknown };
    if (node.kind === 'query') return;
    if (node.kind === 'func' && !node.over && isAggregate(node.name![node.name!.length - 1])) {
      found = true;
      return;
    }
    for (const v of Object.values(node)) visit(v);
  };
  visit(e);
  return found;
}

/** COALESCE arguments after a non-NULL constant are unreachable: PostgreSQL does not fold them. */
function compileCoalesceArgs(args: Expr[], cc: CompileContext): Compiled[] {
  let decided = false;
  return args.map((a) => {
    const c = compileExpr(a, decided ? { ...cc, noFold: true } : cc);
    if (
      !decided &&
      !cc.noFold &&
      c.constant &&
      c.unknownLiteral === undefined &&
      constantValue(c) !== null
    )
      decided = true;
    return c;
  });
}
