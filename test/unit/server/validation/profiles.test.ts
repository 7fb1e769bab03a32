// Covers: https://hl7.org/fhir/R4/profiling.html (constraint profiles, slicing by pattern),
// https://hl7.org/fhir/R4/structuredefinition.html (the Tessera profiles themselves are valid
// StructureDefinitions), https://hl7.org/fhir/R4/validation.html#profile (meta.profile);
// profiles/README.md is the expected-results table for profiles/examples/.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { createValidator } from '../../../../server/src/validation/fhir-validator';
import { isErrorIssue } from '../../../../server/src/validation/issues';

const PROFILES = resolve(__dirname, '../../../../profiles');
const EXAMPLES = join(PROFILES, 'examples');
const BASE = 'https://tessera.example.org/fhir/StructureDefinition/';
const validator = createValidator({ profilesDir: PROFILES });

interface InvalidRow {
  file: string;
  profile: string;
  code: string;
  expression: string;
}

function readmeInvalidRows(): InvalidRow[] {
  const readme = readFileSync(join(PROFILES, 'README.md'), 'utf8');
  const rows: InvalidRow[] = [];
  for (const line of readme.split('\n')) {
    const cells = line.split('|').map((c) => c.trim().replace(/^`|`$/g, ''));
    if (cells[1]?.endsWith('.invalid.json')) {
      rows.push({ file: cells[1], profile: cells[2] ?? '', code: cells[3] ?? '', expression: cells[4] ?? '' });
    }
  }
  return rows;
}

function example(file: string): Resource {
  return JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as Resource;
}

const exampleFiles = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
const invalidRows = readmeInvalidRows();

describe('Tessera profiles', () => {
  it('loads the three profiles with generated snapshots', () => {
    const urls = validator.profiles.map((p) => p.url).sort();
    assert.deepEqual(urls, [`${BASE}tessera-ai-finding`, `${BASE}tessera-ai-report`, `${BASE}tessera-imaging-study`]);
    for (const profile of validator.profiles) {
      assert.ok((profile.snapshot?.element?.length ?? 0) > (profile.differential?.element?.length ?? 0));
      assert.equal(profile.derivation, 'constraint');
    }
  });

  it('are themselves valid StructureDefinition resources (they are served and stored)', () => {
    for (const profile of validator.profiles) {
      assert.deepEqual(validator.validate(profile).filter(isErrorIssue), [], profile.url);
    }
  });

  it('lists every example file in profiles/README.md', () => {
    const readme = readFileSync(join(PROFILES, 'README.md'), 'utf8');
    for (const file of exampleFiles) {
      assert.ok(readme.includes(file), `${file} is not documented in profiles/README.md`);
    }
    assert.ok(invalidRows.length >= 3);
    for (const id of ['tessera-ai-finding', 'tessera-imaging-study', 'tessera-ai-report']) {
      assert.ok(exampleFiles.includes(`${id}.json`), `valid example for ${id}`);
      assert.ok(
        invalidRows.some((r) => r.profile === id),
        `invalid example for ${id}`,
      );
    }
  });

  it('accepts every valid example, which declares its profile', () => {
    for (const file of exampleFiles.filter((f) => !f.endsWith('.invalid.json'))) {
      const resource = example(file);
      assert.ok(
        resource.meta?.profile?.some((p) => p.startsWith(BASE)),
        `${file} declares a Tessera profile`,
      );
      assert.deepEqual(validator.validate(resource), [], file);
    }
  });

  it('rejects every invalid example at the documented expression with the documented code', () => {
    for (const row of invalidRows) {
      const resource = example(row.file);
      assert.ok(resource.meta?.profile?.includes(BASE + row.profile), `${row.file} declares ${row.profile}`);
      const errors = validator.validate(resource).filter(isErrorIssue);
      assert.ok(errors.length > 0, `${row.file} must fail`);
      assert.ok(
        errors.some((e) => e.code === row.code && e.expression?.includes(row.expression)),
        `${row.file}: expected ${row.code} at ${row.expression}, got ${JSON.stringify(errors)}`,
      );
    }
  });

  it('does not apply a profile the resource does not claim', () => {
    for (const row of invalidRows.filter((r) => r.code !== 'invariant' && !r.expression.includes('modality'))) {
      const resource = example(row.file);
      const unprofiled = { ...resource, meta: { ...resource.meta, profile: undefined } } as Resource;
      assert.deepEqual(validator.validate(unprofiled).filter(isErrorIssue), [], row.file);
    }
  });

  it('applies a profile requested explicitly ($validate profile parameter)', () => {
    const resource = example('tessera-ai-finding-no-device.invalid.json');
    const unprofiled = { ...resource, meta: { security: resource.meta?.security } } as Resource;
    const errors = validator.validate(unprofiled, `${BASE}tessera-ai-finding|0.1.0`).filter(isErrorIssue);
    assert.deepEqual(
      errors.map((e) => e.expression?.[0]),
      ['Observation.device'],
    );
  });

  it('checks narrowed reference targets of a profile', () => {
    const finding = example('tessera-ai-finding.json') as Resource & Record<string, unknown>;
    const wrong = {
      ...finding,
      subject: { reference: 'Device/1' },
      derivedFrom: [{ reference: 'DocumentReference/1' }],
    };
    const errors = validator.validate(wrong as Resource).filter(isErrorIssue);
    assert.deepEqual(
      errors.map((e) => [e.code, e.expression?.[0]]),
      [
        ['invalid', 'Observation.subject'],
        ['invalid', 'Observation.derivedFrom[0]'],
      ],
    );
  });
});
