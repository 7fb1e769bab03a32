/**
 * Durable commits without blocking the event loop. With `synchronous=FULL`, SQLite fsyncs the
 * WAL inside COMMIT, on the only JavaScript thread: every request waits while the disk flushes.
 * Instead the connection runs with `synchronous=NORMAL` (COMMIT writes the WAL frames but does
 * not flush them) and this class flushes the WAL file with `fdatasync` on libuv's thread pool
 * after each commit group; the group's transactions are acknowledged only when that flush has
 * completed. The next group executes meanwhile, so one flush covers many transactions.
 *
 * This keeps FULL's guarantee (an acknowledged commit survives power loss): the commit's WAL
 * frames are on stable storage before the caller hears of it; checkpoints stay safe because
 * NORMAL still syncs the WAL before, and the database after, each checkpoint
 * (https://www.sqlite.org/pragma.html#pragma_synchronous, https://www.sqlite.org/wal.html).
 */
import { open, type FileHandle } from 'node:fs/promises';

/** Flushes the `-wal` file of a database to stable storage, off the main thread. */
export class WalSync {
  private handle: Promise<FileHandle> | undefined;

  /** @param databasePath - the SQLite database file (the WAL is `<path>-wal`). */
  constructor(private readonly databasePath: string) {}

  /** Resolves when every WAL frame written so far is on stable storage. */
  async flush(): Promise<void> {
    this.handle ??= open(`${this.databasePath}-wal`, 'r');
    const handle = await this.handle;
    await handle.datasync();
  }

  /** Closes the file handle (before the database connections close and remove the WAL). */
  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    if (handle) {
      await (await handle).close();
    }
  }
}
