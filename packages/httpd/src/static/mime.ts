/** Content types by file extension; text types carry charset=utf-8. */
const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  js: 'text/javascript',
  mjs: 'text/javascript',
  cjs: 'text/javascript',
  json: 'application/json',
  map: 'application/json',
  webmanifest: 'application/manifest+json',
  xml: 'application/xml',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  ico: 'image/x-icon',
  bmp: 'image/bmp',
  wasm: 'application/wasm',
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  otf: 'font/otf',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
  mp4: 'video/mp4',
  webm: 'video/webm',
  ogv: 'video/ogg',
};

/** Types that gain from compression (on-the-fly gzip/brotli and .br/.gz siblings). */
const COMPRESSIBLE =
  /^(text\/|application\/(json|manifest\+json|xml|wasm)|image\/(svg\+xml|x-icon|bmp)|font\/(ttf|otf))/;
const NEEDS_CHARSET = /^(text\/|application\/(json|manifest\+json|xml)|image\/svg\+xml)/;

export interface ContentType {
  /** The Content-Type value, with charset where the type is text. */
  header: string;
  compressible: boolean;
}

function describe(type: string): ContentType {
  return {
    header: NEEDS_CHARSET.test(type) ? `${type}; charset=utf-8` : type,
    compressible: COMPRESSIBLE.test(type),
  };
}

const BY_EXTENSION = new Map(Object.entries(TYPES).map(([ext, type]) => [ext, describe(type)]));
const DEFAULT_TYPE = describe('application/octet-stream');

export function contentTypeOf(fileName: string): ContentType {
  const dot = fileName.lastIndexOf('.');
  if (dot < 0 || fileName.indexOf('/', dot) >= 0) return DEFAULT_TYPE;
  return BY_EXTENSION.get(fileName.slice(dot + 1).toLowerCase()) ?? DEFAULT_TYPE;
}
