// Covers HL7 v2.5.1 chapter 2, section 2.5.4 "Message delimiters": a message's own MSH-1/MSH-2
// delimiters are translated to the recommended |^~\& (what hl7-standard hard-codes) and back,
// without any character of the data being confused with a delimiter.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { delimiterTranslation } from '../../../../../adapters/hl7/src/message/delimiter-translation';
import { DEFAULT_DELIMITERS } from '../../../../../adapters/hl7/src/message/delimiters';
import type { Hl7Delimiters } from '../../../../../adapters/hl7/src/message/delimiters';

const STANDARD = ['|', '^', '~', '\\', '&'];

function order(d: Hl7Delimiters): string[] {
  return [d.field, d.component, d.repetition, d.escape, d.subcomponent];
}

const CASES: Hl7Delimiters[] = [
  { field: '#', component: ':', repetition: '*', escape: '!', subcomponent: '@' },
  { field: '^', component: '|', repetition: '&', escape: '~', subcomponent: '\\' },
  { field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '#' },
  { field: '\uE000', component: '^', repetition: '$', escape: '\\', subcomponent: '|' },
];

describe('delimiterTranslation', () => {
  it('is the identity for the standard delimiters', () => {
    const t = delimiterTranslation(DEFAULT_DELIMITERS);
    assert.equal(t.identity, true);
    assert.equal(t.toStandard('a#b|c'), 'a#b|c');
  });

  for (const d of CASES) {
    const declared = order(d);
    const t = delimiterTranslation(d);

    it(`maps ${declared.join('')} onto |^~\\& in order`, () => {
      assert.equal(t.identity, false);
      assert.equal(t.toStandard(declared.join('')), STANDARD.join(''));
    });

    it(`is a permutation for ${declared.join('')}: distinct characters stay distinct, and it reverses`, () => {
      const alphabet = [...new Set([...STANDARD, ...declared, 'a', '1', ' ', '"', '\uE001', 'é'])];
      const images = alphabet.map((c) => t.toStandard(c));
      assert.equal(new Set(images).size, alphabet.length);
      assert.deepEqual(new Set(images), new Set(alphabet));
      const text = alphabet.join('') + [...alphabet].reverse().join('');
      assert.equal(t.fromStandard(t.toStandard(text)), text);
    });

    it(`leaves no standard delimiter where ${declared.join('')} has data`, () => {
      const data = STANDARD.filter((c) => !declared.includes(c)).join('');
      for (const c of t.toStandard(data)) {
        assert.ok(!STANDARD.includes(c), `data character '${c}' became a standard delimiter`);
      }
    });
  }
});
