/**
 * Keyset paging cursors (plan.ts, Cursor) -> a `$match` on the sorted rows: the rows strictly
 * after (or before) the cursor's position in the total order of compile-sort.ts, written as the
 * usual lexicographic expansion `(a > x) OR (a = x AND b > y) OR ...`.
 */
import type { Document } from 'mongodb';
import { fhirError } from '../../errors/outcome';
import type { Cursor } from '../../search/plan';
import type { SortComponent } from './compile-sort';

type Position = { readonly field: string; readonly direction: 1 | -1; readonly value: string | number };

function positions(components: readonly SortComponent[], cursor: Cursor): Position[] {
  const out: Position[] = [];
  for (const c of components) {
    if (c.source.from === 'id') {
      out.push({ field: c.field, direction: c.direction, value: cursor.id });
      continue;
    }
    const value = cursor.values[c.source.key];
    if (value === undefined || (value !== null && typeof value !== 'string' && typeof value !== 'number')) {
      throw fhirError('TESSERA_E_SEARCH_INVALID_CURSOR', 'The paging cursor does not match the sort');
    }
    if (c.source.from === 'flag') {
      out.push({ field: c.field, direction: c.direction, value: value === null ? 1 : 0 });
    } else if (value !== null) {
      // A null value needs no component: every row with the same (null) flag has a null value.
      out.push({ field: c.field, direction: c.direction, value });
    }
  }
  return out;
}

/**
 * The filter selecting rows beyond the cursor in the reading direction.
 * @param components - the total order (compile-sort.ts).
 * @param cursor - the cursor; `before` reads backwards.
 */
export function compileCursor(components: readonly SortComponent[], cursor: Cursor): Document {
  const ps = positions(components, cursor);
  const reverse = cursor.direction === 'before';
  const branches = ps.map((p, j) => {
    const branch: Document = {};
    for (const q of ps.slice(0, j)) {
      branch[q.field] = q.value;
    }
    const forward = (p.direction === 1) !== reverse;
    branch[p.field] = { [forward ? '$gt' : '$lt']: p.value };
    return branch;
  });
  return branches.length === 1 ? (branches[0] as Document) : { $or: branches };
}
