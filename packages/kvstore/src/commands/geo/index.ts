import type { CommandSpec } from '../types.js';
import { geoadd } from './geoadd.js';
import { geodist, geohash, geopos } from './lookup.js';
import {
  georadius,
  georadiusbymember,
  georadiusbymemberRo,
  georadiusRo,
  geosearch,
  geosearchstore,
} from './search.js';

export const geoCommands: readonly CommandSpec[] = [
  geoadd,
  geopos,
  geohash,
  geodist,
  georadius,
  georadiusRo,
  georadiusbymember,
  georadiusbymemberRo,
  geosearch,
  geosearchstore,
];
