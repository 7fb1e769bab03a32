/**
 * Which resource types have tables. Tables are created lazily inside write transactions, so a
 * type created by a transaction that rolls back must vanish again: the registry keeps committed
 * types (visible to the read connection) apart from types created by the open batch and by its
 * current savepoint (visible only to the write connection).
 */

/** A read-only view: does `type` have tables for this connection? */
export interface TypeSet {
  has(type: string): boolean;
}

/** Tracks committed and pending table creations. */
export class TypeRegistry {
  private readonly committed = new Set<string>();
  private readonly batch = new Set<string>();
  private readonly savepoint = new Set<string>();

  /** Types visible outside transactions (committed). */
  readonly committedView: TypeSet = { has: (type) => this.committed.has(type) };

  /** Types visible on the write connection inside the open batch. */
  readonly writeView: TypeSet = {
    has: (type) => this.committed.has(type) || this.batch.has(type) || this.savepoint.has(type),
  };

  /**
   * Records types discovered at open.
   * @param types - types whose tables exist.
   */
  load(types: readonly string[]): void {
    for (const t of types) {
      this.committed.add(t);
    }
  }

  /**
   * Records a type created inside the current savepoint.
   * @param type - the type.
   */
  created(type: string): void {
    this.savepoint.add(type);
  }

  /** The current savepoint was released: its creations join the batch. */
  releaseSavepoint(): void {
    for (const t of this.savepoint) {
      this.batch.add(t);
    }
    this.savepoint.clear();
  }

  /** The current savepoint was rolled back: its creations are gone. */
  rollbackSavepoint(): void {
    this.savepoint.clear();
  }

  /** The batch committed: its creations become visible to readers. */
  commitBatch(): void {
    this.releaseSavepoint();
    for (const t of this.batch) {
      this.committed.add(t);
    }
    this.batch.clear();
  }

  /** The batch rolled back: nothing it created exists. */
  rollbackBatch(): void {
    this.savepoint.clear();
    this.batch.clear();
  }
}
