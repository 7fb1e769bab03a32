/**
 * Types for the parts of `hl7-standard` 1.0.x (which ships none) that Tessera reads, plus the
 * accessors the gap tests exercise. Shapes come from `node_modules/hl7-standard/src/api.js`
 * (`_transformSegment`). Its option names are swapped relative to HL7: it calls the
 * repetition separator `~` "subComponents" and the subcomponent separator `&` "repeatingFields".
 */
declare module 'hl7-standard' {
  namespace HL7 {
    /** A component: its text, or its subcomponents when it held `&`. */
    type Component = string | string[];
    /** One repetition (or the only one): components keyed `SEG.n.m`, in component order. */
    type Components = Record<string, Component>;
    /**
     * A field as `transform()` leaves it: text (no delimiter), components (`^` but no `~`),
     * repetitions (`~`: always an array of component objects) or, when it holds only `&`,
     * an array of strings.
     */
    type FieldValue = string | Components | Components[] | string[];
    /** One segment of `transformed`. */
    interface Segment {
      /** The first three characters of the segment line. */
      readonly type: string;
      /** Position among the lines that hold a `|`, 0-based. */
      readonly index: number;
      /** Fields keyed `SEG.n` in field order (MSH starts at `MSH.2`, which it overwrites). */
      readonly data: Record<string, FieldValue>;
    }
    /** Segments grouped by type, each group in message order. */
    type Transformed = Record<string, Segment[]>;
    /** Constructor options. */
    interface Options {
      subComponents?: string;
      repeatingFields?: string;
      lineEndings?: string;
    }
  }

  /** The HL7 message class exported by `hl7-standard`. */
  class HL7 {
    public constructor(data?: string, opts?: HL7.Options);
    public transformed: HL7.Transformed;
    public transform(cb?: (err: Error | null, transformed: HL7.Transformed | null) => void, batch?: boolean): void;
    public get(field: string, index?: number, sectionIndex?: number, subIndex?: number): unknown;
    public getSegments(segment?: string): HL7.Segment[];
    public build(): string;
  }

  export = HL7;
}
