/**
 * The built-in tables. POSIX special built-ins keep variable assignments made before them and
 * are found before functions; regular built-ins are found after functions.
 */
import type { Builtin } from '../interp.js';
import { aliasBuiltin, unaliasBuiltin } from './alias.js';
import { cdBuiltin, pwdBuiltin } from './cd.js';
import {
  builtinBuiltin,
  commandBuiltin,
  execBuiltin,
  hashBuiltin,
  typeBuiltin,
} from './command.js';
import {
  breakBuiltin,
  continueBuiltin,
  exitBuiltin,
  falseBuiltin,
  returnBuiltin,
  trueBuiltin,
} from './control.js';
import { dirsBuiltin, popdBuiltin, pushdBuiltin } from './dirs.js';
import { echoBuiltin } from './echo.js';
import { evalBuiltin, sourceBuiltin } from './eval.js';
import { helpBuiltin } from './help.js';
import { disownBuiltin, fgBuiltin, jobsBuiltin, killBuiltin, waitBuiltin } from './jobs.js';
import { mapfileBuiltin } from './mapfile.js';
import {
  clearBuiltin,
  getoptsBuiltin,
  historyBuiltin,
  timesBuiltin,
  umaskBuiltin,
} from './misc.js';
import { printfBuiltin } from './printf.js';
import { readBuiltin } from './read.js';
import { setBuiltin, shoptBuiltin } from './set.js';
import { testBuiltin } from './test-expr.js';
import { trapBuiltin } from './trap.js';
import { ulimitBuiltin } from './ulimit.js';
import {
  declareBuiltin,
  exportBuiltin,
  letBuiltin,
  localBuiltin,
  readonlyBuiltin,
  shiftBuiltin,
  unsetBuiltin,
} from './vars.js';

export const SPECIAL_BUILTINS: Record<string, Builtin> = {
  ':': trueBuiltin,
  '.': sourceBuiltin,
  break: breakBuiltin,
  continue: continueBuiltin,
  eval: evalBuiltin,
  exec: execBuiltin,
  exit: exitBuiltin,
  export: exportBuiltin,
  readonly: readonlyBuiltin,
  return: returnBuiltin,
  set: setBuiltin,
  shift: shiftBuiltin,
  times: timesBuiltin,
  trap: trapBuiltin,
  unset: unsetBuiltin,
};

export const BUILTINS: Record<string, Builtin> = {
  alias: aliasBuiltin,
  bg: fgBuiltin,
  builtin: builtinBuiltin,
  cd: cdBuiltin,
  clear: clearBuiltin,
  command: commandBuiltin,
  declare: declareBuiltin,
  dirs: dirsBuiltin,
  disown: disownBuiltin,
  echo: echoBuiltin,
  false: falseBuiltin,
  fg: fgBuiltin,
  getopts: getoptsBuiltin,
  hash: hashBuiltin,
  help: helpBuiltin,
  history: historyBuiltin,
  jobs: jobsBuiltin,
  kill: killBuiltin,
  let: letBuiltin,
  local: localBuiltin,
  mapfile: mapfileBuiltin,
  popd: popdBuiltin,
  printf: printfBuiltin,
  pushd: pushdBuiltin,
  pwd: pwdBuiltin,
  read: readBuiltin,
  readarray: mapfileBuiltin,
  shopt: shoptBuiltin,
  source: sourceBuiltin,
  test: testBuiltin,
  '[': testBuiltin,
  true: trueBuiltin,
  type: typeBuiltin,
  typeset: declareBuiltin,
  ulimit: ulimitBuiltin,
  umask: umaskBuiltin,
  unalias: unaliasBuiltin,
  wait: waitBuiltin,
};
