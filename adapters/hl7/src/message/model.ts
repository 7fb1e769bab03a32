/**
 * Typed, predictable view of an HL7 v2 message: segment, field, repetition, component,
 * subcomponent (HL7 v2.5.1 chapter 2, section 2.5 "Message construction rules").
 * All positions are 1-based, as in the standard. Accessors never throw: a position that is
 * absent returns `undefined`; the HL7 explicit null `""` (section 2.5.3) returns `null`;
 * an empty value returns `''`.
 */

/** A leaf value: text, or `null` for the HL7 explicit null `""`. */
export type Hl7Leaf = string | null;

/** One repetition of a field: components, each a list of subcomponents. */
export class Repetition {
  /** Components in order; each holds its subcomponents (at least one). */
  public readonly components: readonly (readonly Hl7Leaf[])[];

  /**
   * @param components - components, each a non-empty list of subcomponents
   */
  public constructor(components: readonly (readonly Hl7Leaf[])[]) {
    this.components = components;
  }

  /**
   * First subcomponent of a component.
   * @param index - component number, 1-based
   * @returns the value, `null` for `""`, undefined when absent
   */
  public component(index: number): Hl7Leaf | undefined {
    return this.subcomponent(index, 1);
  }

  /**
   * One subcomponent.
   * @param index - component number, 1-based
   * @param sub - subcomponent number, 1-based
   * @returns the value, `null` for `""`, undefined when absent
   */
  public subcomponent(index: number, sub: number): Hl7Leaf | undefined {
    if (index < 1 || sub < 1) {
      return undefined;
    }
    return this.components[index - 1]?.[sub - 1];
  }

  /**
   * The first component's first subcomponent.
   * @returns the value, `null` for `""`
   */
  public value(): Hl7Leaf | undefined {
    return this.subcomponent(1, 1);
  }
}

/** One field: its repetitions (at least one, possibly empty). */
export class Field {
  /** Repetitions in order (section 2.5.4, repetition separator). */
  public readonly repetitions: readonly Repetition[];

  /**
   * @param repetitions - the repetitions, at least one
   */
  public constructor(repetitions: readonly Repetition[]) {
    this.repetitions = repetitions;
  }

  /**
   * A repetition.
   * @param index - repetition number, 1-based
   * @returns the repetition, undefined when absent
   */
  public repetition(index: number): Repetition | undefined {
    return index < 1 ? undefined : this.repetitions[index - 1];
  }

  /**
   * First subcomponent of a component of the first repetition.
   * @param index - component number, 1-based
   * @returns the value, `null` for `""`, undefined when absent
   */
  public component(index: number): Hl7Leaf | undefined {
    return this.repetitions[0]?.component(index);
  }

  /**
   * A subcomponent of the first repetition.
   * @param index - component number, 1-based
   * @param sub - subcomponent number, 1-based
   * @returns the value, `null` for `""`, undefined when absent
   */
  public subcomponent(index: number, sub: number): Hl7Leaf | undefined {
    return this.repetitions[0]?.subcomponent(index, sub);
  }

  /**
   * The first repetition's first component's first subcomponent.
   * @returns the value, `null` for `""`
   */
  public value(): Hl7Leaf | undefined {
    return this.repetitions[0]?.value();
  }
}

/** One segment, addressed by sequence number like `PID-3`. */
export class Segment {
  /** Segment id (`MSH`, `PID`, `ZPI`...). */
  public readonly id: string;
  /** Fields by sequence number: `fields[0]` is field 1. */
  public readonly fields: readonly Field[];

  /**
   * @param id - segment id
   * @param fields - fields in order, the first being field 1
   */
  public constructor(id: string, fields: readonly Field[]) {
    this.id = id;
    this.fields = fields;
  }

  /**
   * A field by sequence number.
   * @param index - field sequence number, 1-based (MSH-1 is the field separator)
   * @returns the field, undefined when the segment is shorter
   */
  public field(index: number): Field | undefined {
    return index < 1 ? undefined : this.fields[index - 1];
  }

  /**
   * Shortcut for `field(index)?.subcomponent(component, sub)` on the first repetition.
   * @param index - field sequence number, 1-based
   * @param component - component number, 1-based (default 1)
   * @param sub - subcomponent number, 1-based (default 1)
   * @returns the value, `null` for `""`, undefined when absent
   */
  public value(index: number, component = 1, sub = 1): Hl7Leaf | undefined {
    return this.field(index)?.subcomponent(component, sub);
  }
}
