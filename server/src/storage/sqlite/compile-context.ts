/**
 * State shared while compiling one search plan: which types have tables, fresh table aliases,
 * and a way to compile a nested sub-select (chaining and `_has`), injected by compile-select.ts
 * so the condition compiler and the select compiler do not import each other.
 */
import type { Condition } from '../../search/plan';
import type { Sql } from './sql';
import type { TypeSet } from './type-registry';

/** Compilation state for one plan. */
export interface CompileContext {
  /** Types whose tables exist on the connection the SQL will run on. */
  readonly types: TypeSet;
  /**
   * A fresh alias, unique within the compiled statement.
   * @param prefix - alias prefix (`r` for resource tables, `j` for joined index tables).
   */
  alias(prefix: string): string;
  /**
   * `SELECT <column> FROM <type> ...` over the non-deleted resources of `type` matching every
   * condition. Only called for types that have tables.
   * @param type - the resource type.
   * @param conditions - ANDed conditions.
   * @param column - the column selected.
   */
  select(type: string, conditions: readonly Condition[], column: 'id' | 'rid'): Sql;
}
