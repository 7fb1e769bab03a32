// KeyedBatcher: per-study group commit (issue 4, "every new instance updates the study"): work of
// one key runs one batch at a time, what arrives meanwhile joins the next batch, keys are
// independent, and a failed batch rejects only its own items.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyedBatcher } from '../../../../../adapters/dicom/src/ingest/keyed-batcher';

/** A promise and its resolver. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('KeyedBatcher', () => {
  it('runs one batch per key at a time and batches what arrives meanwhile', async () => {
    const batches: string[][] = [];
    const first = gate();
    let running = 0;
    let maxRunning = 0;
    const batcher = new KeyedBatcher<string, string>(async (_key, items) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      batches.push([...items]);
      if (batches.length === 1) {
        await first.promise;
      }
      running--;
      return items.map((i) => i.toUpperCase());
    });
    const a = batcher.submit('study', 'a');
    assert.equal(batcher.busy('study'), true);
    const rest = ['b', 'c', 'd'].map((i) => batcher.submit('study', i));
    first.open();
    assert.deepEqual(await Promise.all([a, ...rest]), ['A', 'B', 'C', 'D']);
    assert.deepEqual(batches, [['a'], ['b', 'c', 'd']]);
    assert.equal(maxRunning, 1);
    assert.equal(batcher.busy('study'), false);
  });

  it('runs different keys concurrently', async () => {
    const hold = gate();
    const started: string[] = [];
    const batcher = new KeyedBatcher<number, number>(async (key, items) => {
      started.push(key);
      await hold.promise;
      return items.map((n) => n * 2);
    });
    const one = batcher.submit('s1', 1);
    const two = batcher.submit('s2', 2);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started.sort(), ['s1', 's2']);
    hold.open();
    assert.deepEqual(await Promise.all([one, two]), [2, 4]);
  });

  it('rejects the items of a failed batch and goes on with the next', async () => {
    const hold = gate();
    let calls = 0;
    const batcher = new KeyedBatcher<string, string>(async (_key, items) => {
      calls++;
      if (calls === 1) {
        await hold.promise;
        throw new Error('disk full');
      }
      return [...items];
    });
    const failed = batcher.submit('k', 'x');
    const next = batcher.submit('k', 'y');
    hold.open();
    await assert.rejects(failed, /disk full/);
    assert.equal(await next, 'y');
  });

  it('caps the batch size', async () => {
    const sizes: number[] = [];
    const hold = gate();
    const batcher = new KeyedBatcher<number, number>(async (_key, items) => {
      sizes.push(items.length);
      if (sizes.length === 1) {
        await hold.promise;
      }
      return [...items];
    }, 2);
    const all = [0, 1, 2, 3, 4].map((n) => batcher.submit('k', n));
    hold.open();
    await Promise.all(all);
    assert.deepEqual(sizes, [1, 2, 2]);
  });
});
