import type { Engine, SessionOptions } from './api.js';
import { Catalog } from '../sql/catalog.js';
import { MemoryStorage } from '../storage/memory/storage.js';
import { EngineSession } from './session.js';

export interface EngineOptions {
  /** Directory for durable storage (issue 12); the in-memory storage is used until it exists. */
  dataDir?: string;
  inMemory?: boolean;
}

/** Opens the SQL engine. Sessions share one catalog and one storage. */
export function createEngine(options: EngineOptions = {}): Engine {
  void options.dataDir;
  const storage = new MemoryStorage();
  const catalog = new Catalog(storage);
  return {
    openSession: (o: SessionOptions) => new EngineSession(storage, catalog, o),
    close: () => storage.close(),
  };
}

export { EngineSession } from './session.js';
