export { Shell, type ShellInit } from './shell.js';
export { Interp } from './interp.js';
export { Parser, ParseError } from './parser.js';
export type * from './ast.js';
