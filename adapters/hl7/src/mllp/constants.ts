/**
 * MLLP block characters.
 *
 * HL7 v2.5.1 Appendix C, "Lower Layer Protocols", C.4 MLLP (release 2): a message is framed as
 * `<SB> payload <EB><CR>`, with SB = VT (0x0B), EB = FS (0x1C) and CR (0x0D).
 */

/** Start block (vertical tab, 0x0B). */
export const VT = 0x0b;

/** End block (file separator, 0x1C). */
export const FS = 0x1c;

/** Carriage return (0x0D) that closes a frame after FS. */
export const CR = 0x0d;

/** Default maximum frame payload size: 10 MB. */
export const DEFAULT_MAX_FRAME_BYTES = 10 * 1024 * 1024;
