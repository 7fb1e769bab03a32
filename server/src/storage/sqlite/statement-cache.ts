/**
 * A small LRU cache of prepared statements keyed by SQL text, one per connection: compiled
 * search plans of the same shape produce the same text, so each shape is prepared once.
 */
import type Database from 'better-sqlite3';

/** Prepared statements of one connection, least recently used evicted first. */
export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();

  /**
   * @param db - the connection statements are prepared on.
   * @param capacity - how many statements to keep.
   */
  constructor(
    readonly db: Database.Database,
    private readonly capacity = 500,
  ) {}

  /**
   * Returns the prepared statement for `text`, preparing it on first use.
   * @param text - the SQL text.
   */
  get(text: string): Database.Statement {
    const hit = this.statements.get(text);
    if (hit !== undefined) {
      this.statements.delete(text);
      this.statements.set(text, hit);
      return hit;
    }
    const stmt = this.db.prepare(text);
    this.statements.set(text, stmt);
    if (this.statements.size > this.capacity) {
      const oldest = this.statements.keys().next().value;
      if (oldest !== undefined) {
        this.statements.delete(oldest);
      }
    }
    return stmt;
  }

  /** Forgets every statement (after the connection closes). */
  clear(): void {
    this.statements.clear();
  }
}
