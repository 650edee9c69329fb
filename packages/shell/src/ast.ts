/** The syntax tree the parser produces and the interpreter walks. */

export type WordPart =
  /** Unquoted text: subject to field splitting (no), globbing (yes), brace expansion (yes). */
  | { type: 'lit'; value: string }
  /** Quoted literal text: '...', $'...', or a backslash-escaped character. */
  | { type: 'sq'; value: string }
  | { type: 'dq'; parts: WordPart[] }
  | ParamPart
  | { type: 'cmdsub'; body: List }
  /** <(list) or >(list) */
  | { type: 'procsub'; direction: '<' | '>'; body: List }
  | { type: 'arith'; expr: WordPart[] }
  | { type: 'tilde'; user: string };

export interface ParamPart {
  type: 'param';
  name: string;
  /** Array subscript text for name[sub], e.g. "@", "*", "i+1". */
  index?: WordPart[];
  /** ${#x}, ${!x}. */
  prefix?: '#' | '!';
  /** The operator, e.g. ':-', '#', '/', ':' (substring). */
  op?: string;
  arg?: WordPart[];
  /** Replacement for ${x/p/r} or length for ${x:o:l}. */
  arg2?: WordPart[];
}

export type Word = WordPart[];

export interface Assign {
  name: string;
  index?: WordPart[];
  value: Word;
  append: boolean;
  /** a=(x y z) */
  array?: Word[];
}

export type RedirOp =
  | '<'
  | '>'
  | '>>'
  | '<>'
  | '>|'
  | '<&'
  | '>&'
  | '&>'
  | '&>>'
  | '<<'
  | '<<-'
  | '<<<';

export interface HereDoc {
  body: string;
  quoted: boolean;
  /** Parsed lazily when the body is not quoted. */
  parts?: WordPart[];
}

export interface Redir {
  fd: number | undefined;
  /** {varname}>file */
  fdVar?: string;
  op: RedirOp;
  target: Word;
  heredoc?: HereDoc;
}

export interface SimpleCommand {
  type: 'simple';
  assigns: Assign[];
  words: Word[];
  redirs: Redir[];
  line: number;
}

export interface CaseItem {
  patterns: Word[];
  body: List;
  term: ';;' | ';&' | ';;&';
}

export type CondExpr =
  | { type: 'and' | 'or'; left: CondExpr; right: CondExpr }
  | { type: 'not'; expr: CondExpr }
  | { type: 'unary'; op: string; arg: Word }
  | { type: 'binary'; op: string; left: Word; right: Word }
  | { type: 'word'; word: Word };

export type CompoundBody =
  | { type: 'subshell'; body: List }
  | { type: 'group'; body: List }
  | { type: 'if'; clauses: { cond: List; body: List }[]; elseBody?: List }
  | { type: 'while'; until: boolean; cond: List; body: List }
  | { type: 'for'; name: string; words: Word[] | undefined; body: List }
  | { type: 'select'; name: string; words: Word[] | undefined; body: List }
  | { type: 'coproc'; name: string; command: Command; text: string }
  | { type: 'cfor'; init: Word; cond: Word; step: Word; body: List }
  | { type: 'case'; word: Word; items: CaseItem[] }
  | { type: 'arith'; expr: Word }
  | { type: 'cond'; expr: CondExpr };

export type Compound = CompoundBody & { redirs: Redir[]; line: number };

export interface FunctionDef {
  type: 'funcdef';
  name: string;
  body: Compound;
  line: number;
  /** The body's source text (for `type` and `declare -f`). */
  text?: string;
}

export type Command = SimpleCommand | Compound | FunctionDef;

export interface Pipeline {
  bang: boolean;
  time: boolean;
  commands: Command[];
  /** For each `|&` between commands, stderr is piped too. */
  pipeStderr: boolean[];
}

export interface AndOr {
  first: Pipeline;
  rest: { op: '&&' | '||'; pipeline: Pipeline }[];
  /** The source text (for `jobs`). */
  text?: string;
}

export interface ListItem {
  andOr: AndOr;
  background: boolean;
}

export type List = ListItem[];
