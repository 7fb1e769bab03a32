/**
 * Reads the peer's acknowledgment of an outbound message (HL7 v2.5.1 chapter 2, 2.9.2 original
 * acknowledgment rules and 2.9.3 enhanced mode; MSA-1 table 0008; ERR 2.15.5):
 * - AA / CA: delivered;
 * - AR / CR: rejected, resending the same message gets the same answer: permanent;
 * - AE / CE: an application error the receiver may not have next time: retry;
 * - anything unreadable, an ACK for another message (MSA-2 != MSH-10), an unknown code: retry.
 */
import { parseMessage } from '../message/parse';

/** What the ACK means for the delivery. */
export interface AckOutcome {
  readonly kind: 'delivered' | 'permanent' | 'retry';
  /** Readable reason (MSA-1, ERR texts, MSA-3) for the failures. */
  readonly reason: string;
}

/** ERR-8 user message, else ERR-3 text or code, per ERR segment; then MSA-3. */
function errorTexts(message: ReturnType<typeof parseMessage>): string[] {
  const texts = message.all('ERR').map((err) => {
    const user = err.value(8);
    const condition = err.field(3);
    return user || condition?.component(2) || condition?.component(1) || '';
  });
  const msa3 = message.get('MSA')?.value(3);
  return [...texts, ...(msa3 ? [msa3] : [])].filter((t): t is string => typeof t === 'string' && t !== '');
}

/**
 * Interprets an ACK.
 * @param reply - the reply bytes (unframed).
 * @param controlId - the MSH-10 of the message sent.
 * @returns the outcome.
 */
export function readAck(reply: Buffer, controlId: string): AckOutcome {
  let message;
  try {
    message = parseMessage(reply);
  } catch (err) {
    return { kind: 'retry', reason: `unreadable ACK: ${err instanceof Error ? err.message : String(err)}` };
  }
  const msa = message.get('MSA');
  const code = msa?.value(1) ?? undefined;
  if (msa === undefined || !code) {
    return { kind: 'retry', reason: 'the reply has no MSA-1 acknowledgment code' };
  }
  const acked = msa.value(2) ?? '';
  if (acked !== controlId) {
    return { kind: 'retry', reason: `the ACK answers message '${acked}', not '${controlId}'` };
  }
  const texts = errorTexts(message);
  const reason = `${code}${texts.length > 0 ? `: ${texts.join('; ')}` : ''}`;
  switch (code) {
    case 'AA':
    case 'CA':
      return { kind: 'delivered', reason };
    case 'AR':
    case 'CR':
      return { kind: 'permanent', reason: `rejected by the receiver (${reason})` };
    case 'AE':
    case 'CE':
      return { kind: 'retry', reason: `application error at the receiver (${reason})` };
    default:
      return { kind: 'retry', reason: `unknown acknowledgment code (${reason})` };
  }
}
