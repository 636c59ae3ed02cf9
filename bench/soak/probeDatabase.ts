import Database from 'better-sqlite3';

/** Bytes one table or index takes in the main file, as `dbstat` counts them. */
export interface ObjectBytes {
  readonly name: string;
  /** Pages it holds, times the page size. */
  readonly bytes: number;
  /** Of those, bytes no cell uses (half-empty pages after deletes). */
  readonly unusedBytes: number;
}

/** What the live database holds, read through its own read-only connection. */
export interface DatabaseProbe {
  readonly pageCount: number;
  readonly freelistPages: number;
  readonly pageSize: number;
  readonly events: number;
  readonly opIds: number;
  readonly objects: readonly ObjectBytes[];
}

/** A read-only connection to the live database. */
export interface DatabaseProbeConnection {
  probe(): DatabaseProbe;
  close(): void;
}

/**
 * Opens `path` read-only beside the server's connection (WAL mode lets it read while the server
 * writes) to see where the file's bytes go: page and free-list counts, rows per table and
 * `dbstat`'s bytes per table and index.
 */
export function openDatabaseProbe(path: string): DatabaseProbeConnection {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  const statements = {
    pageCount: db.prepare('PRAGMA page_count').pluck(),
    freelist: db.prepare('PRAGMA freelist_count').pluck(),
    pageSize: db.prepare('PRAGMA page_size').pluck(),
    events: db.prepare('SELECT count(*) FROM room_events').pluck(),
    opIds: db.prepare('SELECT count(*) FROM applied_ops').pluck(),
    objects: db.prepare(
      'SELECT name, sum(pgsize) AS bytes, sum(unused) AS unusedBytes FROM dbstat GROUP BY name ORDER BY bytes DESC',
    ),
  };
  return {
    probe: () =>
      db.transaction(() => ({
        pageCount: statements.pageCount.get() as number,
        freelistPages: statements.freelist.get() as number,
        pageSize: statements.pageSize.get() as number,
        events: statements.events.get() as number,
        opIds: statements.opIds.get() as number,
        objects: statements.objects.all() as ObjectBytes[],
      }))(),
    close: () => db.close(),
  };
}
