import type { CommandSpec } from '../types.js';
import { publish, pubsubCommand } from './publish.js';
import { psubscribe, punsubscribe, subscribe, unsubscribe } from './subscribe.js';

export const pubsubCommands: readonly CommandSpec[] = [
  subscribe,
  unsubscribe,
  psubscribe,
  punsubscribe,
  publish,
  pubsubCommand,
];
