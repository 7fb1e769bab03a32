/**
 * Runs work for one key at a time, batching what arrives meanwhile: the instances of one study
 * that arrive on several associations at once are committed together, as one ImagingStudy
 * version, instead of each rebuilding the study the other just changed (group commit per study).
 */

interface Waiting<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/** Serial, batching execution per key. */
export class KeyedBatcher<T, R> {
  private readonly queues = new Map<string, Waiting<T, R>[]>();

  /**
   * @param run - runs one batch of a key; returns one result per item, in order
   * @param maxBatch - most items in one batch
   */
  constructor(
    private readonly run: (key: string, items: readonly T[]) => Promise<readonly R[]>,
    private readonly maxBatch = 32,
  ) {}

  /**
   * Whether work for a key is running or waiting.
   * @param key - the key
   * @returns true while a batch of the key runs
   */
  busy(key: string): boolean {
    return this.queues.has(key);
  }

  /**
   * Adds an item; it runs in the next batch of its key.
   * @param key - the key
   * @param item - the item
   * @returns the item's result
   */
  submit(key: string, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const queue = this.queues.get(key);
      if (queue !== undefined) {
        queue.push({ item, resolve, reject });
        return;
      }
      this.queues.set(key, [{ item, resolve, reject }]);
      void this.drain(key);
    });
  }

  private async drain(key: string): Promise<void> {
    const queue = this.queues.get(key) ?? [];
    while (queue.length > 0) {
      const batch = queue.splice(0, this.maxBatch);
      try {
        const results = await this.run(
          key,
          batch.map((w) => w.item),
        );
        batch.forEach((w, i) => w.resolve(results[i] as R));
      } catch (error) {
        batch.forEach((w) => w.reject(error));
      }
    }
    this.queues.delete(key);
  }
}
