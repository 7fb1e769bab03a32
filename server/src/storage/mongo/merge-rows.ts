/**
 * Merges the per-type pages of a multi-type search (`_type`, compartment `*`) into one page in the
 * plan's order. Each type's query already returns its first count+1 rows in that order, so the
 * first count+1 of the merge are exact. Values compare the way MongoDB sorts them: numbers
 * numerically, strings by their UTF-8 bytes (binary collation).
 */
import type { SortComponent } from './compile-sort';

/** A result row as projected by the page pipeline. */
export type Row = Record<string, unknown> & { _id: string };

/** A row and the type whose collection produced it. */
export interface TypedRow {
  readonly resourceType: string;
  readonly row: Row;
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b || (a === null && b === null)) {
    return 0;
  }
  if (a === null || a === undefined) {
    return -1;
  }
  if (b === null || b === undefined) {
    return 1;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return Buffer.compare(Buffer.from(String(a), 'utf8'), Buffer.from(String(b), 'utf8'));
}

/**
 * A comparator over rows of several types following the compiled order; rows equal on every
 * component (the same id in two types) are ordered by type for determinism.
 * @param components - the total order.
 * @param reverse - true when reading backwards (a `before` cursor).
 */
export function compareRows(
  components: readonly SortComponent[],
  reverse: boolean,
): (x: TypedRow, y: TypedRow) => number {
  return (x, y) => {
    for (const c of components) {
      const d = compareValues(x.row[c.field], y.row[c.field]) * c.direction;
      if (d !== 0) {
        return reverse ? -d : d;
      }
    }
    return compareValues(x.resourceType, y.resourceType);
  };
}
