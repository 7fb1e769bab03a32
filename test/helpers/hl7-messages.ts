/**
 * Builds realistic HL7 v2.5.1 test messages (segments joined by `\r`) with chosen identifiers,
 * for integration tests and benchmarks that need many distinct messages. The fixtures corpus in
 * test/fixtures/hl7/ holds the hand-written edge cases; these are the everyday shapes.
 */

/** Options shared by the builders. */
export interface MessageOptions {
  /** MSH-10. */
  readonly controlId: string;
  /** PID-3 medical record number (assigning authority HOSP). */
  readonly mrn: string;
  /** Placer order number (ORC-2/OBR-2, namespace RIS). */
  readonly placer?: string;
  /** Filler order number (ORC-3/OBR-3, namespace LAB). */
  readonly filler?: string;
  /** Accession number (OBR-18). */
  readonly accession?: string;
  /** Sending application (MSH-3). */
  readonly sender?: string;
}

/** A segment from its fields by position (values already in ER7). */
function segment(id: string, fields: Record<number, string | undefined>): string {
  const last = Math.max(...Object.keys(fields).map(Number));
  const parts = [id];
  for (let n = 1; n <= last; n++) {
    parts.push(fields[n] ?? '');
  }
  return parts.join('|');
}

const header = (o: MessageOptions, type: string): string =>
  `MSH|^~\\&|${o.sender ?? 'LAB'}|HOSP|TESSERA|HOSP|20261125101500||${type}|${o.controlId}|P|2.5.1|||AL|NE||UNICODE UTF-8`;

const pid = (o: MessageOptions): string =>
  `PID|1||${o.mrn}^^^HOSP^MR||Doe^Jane^Q||19800101|F|||1 Main St^^Springfield^IL^62701`;

/**
 * An ORU^R01 with one OBR and `obxCount` numeric OBX segments (a basic metabolic panel shape).
 * @param o - identifiers
 * @param obxCount - OBX segments (default 10)
 */
export function oruR01(o: MessageOptions, obxCount = 10): string {
  const placer = o.placer ?? `P${o.controlId}`;
  const filler = o.filler ?? `F${o.controlId}`;
  const lines = [
    header(o, 'ORU^R01^ORU_R01'),
    pid(o),
    `ORC|RE|${placer}^RIS|${filler}^LAB`,
    `OBR|1|${placer}^RIS|${filler}^LAB|24323-8^Comprehensive metabolic panel^LN|||20261125093000|||||||||1234^Smith^John^^^^^^NPI||||||20261125101000|||F`,
  ];
  for (let i = 1; i <= obxCount; i++) {
    lines.push(
      `OBX|${i}|NM|2345-${i % 10}^Analyte ${i}^LN||${(90 + i * 1.5).toFixed(1)}|mg/dL^mg/dL^UCUM|70-110|N|||F|||20261125093000`,
    );
  }
  return lines.join('\r') + '\r';
}

/**
 * An ORM^O01 new order (ORC-1 NW) for an imaging study with an accession number.
 * @param o - identifiers
 */
export function ormO01(o: MessageOptions): string {
  const placer = o.placer ?? `P${o.controlId}`;
  const filler = o.filler ?? `F${o.controlId}`;
  return (
    [
      header(o, 'ORM^O01^ORM_O01'),
      pid(o),
      `ORC|NW|${placer}^RIS|${filler}^LAB||SC||^^^20261125110000^^R||20261125100000|||1234^Smith^John^^^^^^NPI`,
      segment('OBR', {
        1: '1',
        2: `${placer}^RIS`,
        3: `${filler}^LAB`,
        4: '36643-5^XR Chest 2 Views^LN',
        18: o.accession,
      }),
    ].join('\r') + '\r'
  );
}
