/**
 * A small durable key/value port for process state that must survive restarts, e.g. the
 * subscription dispatcher's position in the change feed.
 */

/** Writes, usable inside a store transaction (a cursor saved atomically with the jobs it produced). */
export interface StateWriter {
  /**
   * Stores a value.
   * @param key - the name, e.g. `subscriptions.position`.
   * @param value - the value.
   */
  setState(key: string, value: string): Promise<void>;
}

/** The key/value state. */
export interface DurableState extends StateWriter {
  /** A value, or undefined. */
  getState(key: string): Promise<string | undefined>;
}
