import type { CommandSpec } from '../types.js';
import { auth, hello } from './auth-hello.js';
import { client } from './client.js';
import { echo, ping } from './ping-echo.js';
import { quit, reset } from './quit-reset.js';
import { select } from './select.js';

export const connectionCommands: readonly CommandSpec[] = [
  ping,
  echo,
  select,
  auth,
  hello,
  quit,
  reset,
  client,
];
