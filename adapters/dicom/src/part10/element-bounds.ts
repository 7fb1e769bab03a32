/**
 * Checks that a data set's elements end exactly where its bytes do, by walking element headers
 * (PS3.5 7.1 data elements, 7.5 nested data sets) without decoding values. dcmjs reads an element
 * cut short at the end of its buffer without complaint, so a file cut inside an attribute would
 * otherwise look whole.
 */

/** VRs with a 4-byte length after 2 reserved bytes in explicit VR (PS3.5 Table 7.1-1). */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT']);
const UNDEFINED = 0xffffffff;
const ITEM = 0xe000;
const ITEM_END = 0xe00d;
const SEQUENCE_END = 0xe0dd;

/**
 * Whether the elements of `bytes[start..]` end exactly at its end.
 * @param bytes - the data set bytes
 * @param explicit - explicit VR (else implicit), little endian
 * @param start - where the first element starts
 * @returns true when every element (and nested item) fits and the last one ends at the end
 */
export function elementsEndAtEnd(bytes: Buffer, explicit: boolean, start = 0): boolean {
  const end = walkElements(bytes, explicit, start, bytes.length, false);
  return end === bytes.length;
}

/** Walks elements until `limit`, or until an item delimiter when `inItem`; returns where it stopped, -1 on overrun. */
function walkElements(bytes: Buffer, explicit: boolean, at: number, limit: number, inItem: boolean): number {
  let offset = at;
  while (offset < limit) {
    if (offset + 8 > limit) {
      return -1;
    }
    const group = bytes.readUInt16LE(offset);
    const element = bytes.readUInt16LE(offset + 2);
    if (group === 0xfffe) {
      // Item delimitation ends an undefined-length item (PS3.5 7.5.2).
      return inItem && element === ITEM_END ? offset + 8 : -1;
    }
    let length: number;
    let header: number;
    let vr = '';
    if (explicit) {
      vr = bytes.toString('latin1', offset + 4, offset + 6);
      if (LONG_VRS.has(vr)) {
        if (offset + 12 > limit) {
          return -1;
        }
        length = bytes.readUInt32LE(offset + 8);
        header = 12;
      } else {
        length = bytes.readUInt16LE(offset + 6);
        header = 8;
      }
    } else {
      length = bytes.readUInt32LE(offset + 4);
      header = 8;
    }
    offset += header;
    if (length === UNDEFINED) {
      offset = walkItems(bytes, explicit && vr !== 'UN', offset, limit);
      if (offset < 0) {
        return -1;
      }
    } else {
      offset += length;
      if (offset > limit) {
        return -1;
      }
    }
  }
  return inItem ? -1 : offset;
}

/** Walks the items of an undefined-length sequence (or encapsulated value) up to its delimiter. */
function walkItems(bytes: Buffer, explicit: boolean, at: number, limit: number): number {
  let offset = at;
  while (offset + 8 <= limit) {
    const group = bytes.readUInt16LE(offset);
    const element = bytes.readUInt16LE(offset + 2);
    const length = bytes.readUInt32LE(offset + 4);
    offset += 8;
    if (group !== 0xfffe) {
      return -1;
    }
    if (element === SEQUENCE_END) {
      return offset;
    }
    if (element !== ITEM) {
      return -1;
    }
    if (length === UNDEFINED) {
      offset = walkElements(bytes, explicit, offset, limit, true);
      if (offset < 0) {
        return -1;
      }
    } else {
      offset += length;
      if (offset > limit) {
        return -1;
      }
    }
  }
  return -1;
}
