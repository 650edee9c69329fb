/** PostgreSQL's type OIDs (pg_type.oid) for the types the engine knows. */
export const Oid = {
  bool: 16,
  bytea: 17,
  name: 19,
  int8: 20,
  int2: 21,
  int4: 23,
  regproc: 24,
  text: 25,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  unknown: 705,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  numeric: 1700,
  regclass: 2205,
  uuid: 2950,
  jsonb: 3802,
  char: 18,
  void: 2278,
  record: 2249,
  anyarray: 2277,
  int2vector: 22,
  oidvector: 30,
  regtype: 2206,
} as const;

export type TypeCategory = 'B' | 'N' | 'S' | 'D' | 'T' | 'U' | 'A' | 'X' | 'P';

export interface TypeInfo {
  oid: number;
  name: string;
  /** pg_type.typlen */
  len: number;
  category: TypeCategory;
  /** Preferred type of its category (implicit cast target for unknowns and mixed operands). */
  preferred: boolean;
  /** OID of the array type whose elements are this type (0: none). */
  arrayOid: number;
}

/** The explicit type table: one row per type, with its array type. */
const TYPES: TypeInfo[] = [
  { oid: Oid.bool, name: 'boolean', len: 1, category: 'B', preferred: true, arrayOid: 1000 },
  { oid: Oid.bytea, name: 'bytea', len: -1, category: 'U', preferred: false, arrayOid: 1001 },
  { oid: Oid.char, name: '"char"', len: 1, category: 'S', preferred: false, arrayOid: 1002 },
  { oid: Oid.name, name: 'name', len: 64, category: 'S', preferred: false, arrayOid: 1003 },
  { oid: Oid.int8, name: 'bigint', len: 8, category: 'N', preferred: false, arrayOid: 1016 },
  { oid: Oid.int2, name: 'smallint', len: 2, category: 'N', preferred: false, arrayOid: 1005 },
  { oid: Oid.int4, name: 'integer', len: 4, category: 'N', preferred: false, arrayOid: 1007 },
  { oid: Oid.regproc, name: 'regproc', len: 4, category: 'N', preferred: false, arrayOid: 1008 },
  { oid: Oid.text, name: 'text', len: -1, category: 'S', preferred: true, arrayOid: 1009 },
  { oid: Oid.oid, name: 'oid', len: 4, category: 'N', preferred: false, arrayOid: 1028 },
  { oid: Oid.json, name: 'json', len: -1, category: 'U', preferred: false, arrayOid: 199 },
  { oid: Oid.float4, name: 'real', len: 4, category: 'N', preferred: false, arrayOid: 1021 },
  {
    oid: Oid.float8,
    name: 'double precision',
    len: 8,
    category: 'N',
    preferred: true,
    arrayOid: 1022,
  },
  { oid: Oid.unknown, name: 'unknown', len: -2, category: 'X', preferred: false, arrayOid: 0 },
  { oid: Oid.bpchar, name: 'character', len: -1, category: 'S', preferred: false, arrayOid: 1014 },
  {
    oid: Oid.varchar,
    name: 'character varying',
    len: -1,
    category: 'S',
    preferred: false,
    arrayOid: 1015,
  },
  { oid: Oid.date, name: 'date', len: 4, category: 'D', preferred: false, arrayOid: 1182 },
  {
    oid: Oid.time,
    name: 'time without time zone',
    len: 8,
    category: 'D',
    preferred: false,
    arrayOid: 1183,
  },
  {
    oid: Oid.timestamp,
    name: 'timestamp without time zone',
    len: 8,
    category: 'D',
    preferred: false,
    arrayOid: 1115,
  },
  {
    oid: Oid.timestamptz,
    name: 'timestamp with time zone',
    len: 8,
    category: 'D',
    preferred: true,
    arrayOid: 1185,
  },
  { oid: Oid.interval, name: 'interval', len: 16, category: 'T', preferred: true, arrayOid: 1187 },
  { oid: Oid.numeric, name: 'numeric', len: -1, category: 'N', preferred: false, arrayOid: 1231 },
  { oid: Oid.regclass, name: 'regclass', len: 4, category: 'N', preferred: false, arrayOid: 2210 },
  { oid: Oid.regtype, name: 'regtype', len: 4, category: 'N', preferred: false, arrayOid: 2211 },
  { oid: Oid.uuid, name: 'uuid', len: 16, category: 'U', preferred: false, arrayOid: 2951 },
  { oid: Oid.jsonb, name: 'jsonb', len: -1, category: 'U', preferred: false, arrayOid: 3807 },
  { oid: Oid.void, name: 'void', len: 4, category: 'P', preferred: false, arrayOid: 0 },
  { oid: Oid.record, name: 'record', len: -1, category: 'P', preferred: false, arrayOid: 0 },
  {
    oid: Oid.int2vector,
    name: 'int2vector',
    len: -1,
    category: 'A',
    preferred: false,
    arrayOid: 0,
  },
  { oid: Oid.oidvector, name: 'oidvector', len: -1, category: 'A', preferred: false, arrayOid: 0 },
];

const BY_OID = new Map<number, TypeInfo>();
const ELEMENT_OF = new Map<number, number>();
for (const t of TYPES) {
  BY_OID.set(t.oid, t);
  if (t.arrayOid) ELEMENT_OF.set(t.arrayOid, t.oid);
}

/** Element type of an array type OID, or 0. */
export function elementType(oid: number): number {
  return ELEMENT_OF.get(oid) ?? 0;
}

export function arrayTypeOf(oid: number): number {
  return BY_OID.get(oid)?.arrayOid ?? 0;
}

export function typeInfo(oid: number): TypeInfo {
  const t = BY_OID.get(oid);
  if (t) return t;
  const elem = ELEMENT_OF.get(oid);
  if (elem !== undefined) {
    const e = BY_OID.get(elem)!;
    return { oid, name: `${e.name}[]`, len: -1, category: 'A', preferred: false, arrayOid: 0 };
  }
  return { oid, name: `type ${oid}`, len: -1, category: 'U', preferred: false, arrayOid: 0 };
}

export function allTypes(): readonly TypeInfo[] {
  return TYPES;
}

/** Names accepted in CREATE TABLE and casts, to OIDs. */
export const TYPE_NAMES: Record<string, number> = {
  bool: Oid.bool,
  boolean: Oid.bool,
  bytea: Oid.bytea,
  name: Oid.name,
  int8: Oid.int8,
  bigint: Oid.int8,
  bigserial: Oid.int8,
  serial8: Oid.int8,
  int2: Oid.int2,
  smallint: Oid.int2,
  smallserial: Oid.int2,
  serial2: Oid.int2,
  int4: Oid.int4,
  int: Oid.int4,
  integer: Oid.int4,
  serial: Oid.int4,
  serial4: Oid.int4,
  text: Oid.text,
  oid: Oid.oid,
  json: Oid.json,
  jsonb: Oid.jsonb,
  float4: Oid.float4,
  real: Oid.float4,
  float8: Oid.float8,
  float: Oid.float8,
  'double precision': Oid.float8,
  char: Oid.bpchar,
  character: Oid.bpchar,
  bpchar: Oid.bpchar,
  varchar: Oid.varchar,
  date: Oid.date,
  time: Oid.time,
  timestamp: Oid.timestamp,
  timestamptz: Oid.timestamptz,
  interval: Oid.interval,
  numeric: Oid.numeric,
  decimal: Oid.numeric,
  regclass: Oid.regclass,
  regtype: Oid.regtype,
  regproc: Oid.regproc,
  uuid: Oid.uuid,
  '"char"': Oid.char,
};

/** Type modifier (atttypmod) for a declared type, as PostgreSQL encodes it. */
export function typmodFor(oid: number, mods: number[]): number {
  if (mods.length === 0) return -1;
  if (oid === Oid.numeric) return ((mods[0] << 16) | (mods[1] ?? 0)) + 4;
  if (oid === Oid.varchar || oid === Oid.bpchar) return mods[0] + 4;
  if (oid === Oid.timestamp || oid === Oid.timestamptz || oid === Oid.time) return mods[0];
  return -1;
}
