export function startNginx(options: {
  nginx: string;
  root: string;
  port: number;
  dir: string;
  gzipStatic?: boolean;
}): Promise<{ pid: number; stop: () => Promise<void> }>;
export function freePort(): Promise<number>;
