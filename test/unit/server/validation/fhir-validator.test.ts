// Covers: https://hl7.org/fhir/R4/validation.html (the validator as a whole),
// https://hl7.org/fhir/R4/resource-operation-validate.html (profile parameter: unknown = error),
// https://hl7.org/fhir/R4/profiling.html#profile-uses (unknown meta.profile = warning; derived profiles),
// https://hl7.org/fhir/R4/http.html#create (400 structure vs 422 via isStructural).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Resource, StructureDefinition } from '@medplum/fhirtypes';
import { createValidator, isStructural } from '../../../../server/src/validation/fhir-validator';
import { isErrorIssue } from '../../../../server/src/validation/issues';

const PROFILES = resolve(__dirname, '../../../../profiles');
const FINDING = 'https://tessera.example.org/fhir/StructureDefinition/tessera-ai-finding';
const validator = createValidator();
const temp = mkdtempSync(join(tmpdir(), 'tessera-profiles-'));
after(() => rmSync(temp, { recursive: true, force: true }));

type Json = Record<string, unknown>;

function finding(): Json {
  return JSON.parse(readFileSync(join(PROFILES, 'examples/tessera-ai-finding.json'), 'utf8')) as Json;
}

/** Test resources are plain JSON, as they arrive over HTTP. */
function asResource(json: object): Resource {
  return json as unknown as Resource;
}

describe('createValidator', () => {
  it('uses the repository profiles folder by default and exposes its profiles', () => {
    assert.ok(validator.profiles.some((p) => p.url === FINDING));
  });

  it('combines structure and binding issues; only structure problems are structural', () => {
    const banana = validator.validate(asResource({ resourceType: 'Patient', gender: 'banana' }));
    assert.deepEqual(
      banana.map((i) => [i.code, i.expression?.[0]]),
      [['code-invalid', 'Patient.gender']],
    );
    assert.equal(isStructural(banana), false);
    const both = validator.validate(asResource({ resourceType: 'Patient', gender: 'banana', colour: 'red' }));
    assert.deepEqual(both.map((i) => i.code).sort(), ['code-invalid', 'structure']);
    assert.equal(isStructural(both), true);
    assert.equal(isStructural(validator.validate({ resourceType: 'Nope' } as unknown as Resource)), true);
  });

  it('warns about an unknown meta.profile without failing the resource', () => {
    const issues = validator.validate({
      resourceType: 'Patient',
      meta: { profile: ['http://example.org/StructureDefinition/unknown'] },
    } as Resource);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.severity, 'warning');
    assert.deepEqual(issues[0]?.expression, ['Patient.meta.profile[0]']);
    assert.equal(issues.filter(isErrorIssue).length, 0);
  });

  it('fails on an unknown requested profile and on a profile for another type', () => {
    const unknown = validator.validate({ resourceType: 'Patient' } as Resource, 'http://example.org/sd/none');
    assert.deepEqual(
      unknown.map((i) => [i.severity, i.code]),
      [['error', 'not-supported']],
    );
    const wrongType = validator.validate({ resourceType: 'Patient', meta: { profile: [FINDING] } } as Resource);
    assert.deepEqual(
      wrongType.map((i) => [i.severity, i.code, i.expression?.[0]]),
      [['error', 'invalid', 'Patient.meta.profile[0]']],
    );
  });

  it('reports each problem once when a profile is both declared and requested', () => {
    const resource: Json = { ...finding(), status: 'bogus' };
    delete resource.device;
    const issues = validator.validate(asResource(resource), FINDING);
    assert.deepEqual(issues.map((i) => i.expression?.[0]).sort(), ['Observation.device', 'Observation.status']);
  });

  it('reports only structure and bindings for a profiled resource of the wrong shape', () => {
    const shapes: Json[] = [
      { ...finding(), meta: 'AIAST' },
      { ...finding(), category: { coding: 'imaging' }, status: 'bogus' },
      { ...finding(), derivedFrom: 'ImagingStudy/1' },
    ];
    for (const shape of shapes) {
      const issues = validator.validate(asResource(shape), FINDING);
      assert.equal(isStructural(issues), true, JSON.stringify(issues));
      assert.ok(
        issues.every((i) => i.code === 'structure' || i.code === 'code-invalid'),
        JSON.stringify(issues),
      );
    }
  });

  it('loads profiles from another folder, with derived profiles inheriting their parent rules', () => {
    const parent = JSON.parse(
      readFileSync(join(PROFILES, 'StructureDefinition-tessera-ai-finding.json'), 'utf8'),
    ) as StructureDefinition;
    const child: StructureDefinition = {
      resourceType: 'StructureDefinition',
      url: 'http://example.org/sd/timed-finding',
      name: 'TimedFinding',
      status: 'draft',
      kind: 'resource',
      abstract: false,
      type: 'Observation',
      baseDefinition: FINDING,
      derivation: 'constraint',
      differential: { element: [{ id: 'Observation.effective[x]', path: 'Observation.effective[x]', min: 1 }] },
    };
    const dir = join(temp, 'chain');
    rmSync(dir, { recursive: true, force: true });
    writeFileSync(join(mkdir(dir), 'a-child.json'), JSON.stringify(child));
    writeFileSync(join(dir, 'b-parent.json'), JSON.stringify(parent));
    const custom = createValidator({ profilesDir: dir });
    assert.deepEqual(custom.profiles.map((p) => p.url).sort(), ['http://example.org/sd/timed-finding', FINDING]);
    const resource: Json = { ...finding(), meta: { ...(finding().meta as Json), profile: [child.url] } };
    assert.deepEqual(custom.validate(asResource(resource)), []);
    const untimed = { ...resource };
    delete untimed.effectiveDateTime;
    delete untimed.device;
    assert.deepEqual(
      custom
        .validate(asResource(untimed))
        .map((i) => [i.code, i.expression?.[0]])
        .sort(),
      [
        ['required', 'Observation.device'],
        ['required', 'Observation.effective'],
      ],
    );
    assert.equal(createValidator({ profilesDir: dir }).profiles, custom.profiles, 'loaded once per folder content');
  });

  it('starts with no profiles when the folder does not exist, and refuses profiles it cannot enforce', () => {
    assert.deepEqual(createValidator({ profilesDir: join(temp, 'missing') }).profiles, []);
    const dir = mkdir(join(temp, 'bad'));
    const bad: StructureDefinition = {
      resourceType: 'StructureDefinition',
      url: 'http://example.org/sd/bad',
      name: 'Bad',
      status: 'draft',
      kind: 'resource',
      abstract: false,
      type: 'Observation',
      baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Observation',
      derivation: 'constraint',
      differential: {
        element: [
          {
            id: 'Observation.value[x]',
            path: 'Observation.value[x]',
            slicing: { discriminator: [{ type: 'type', path: '$this' }], rules: 'closed' },
          },
          { id: 'Observation.value[x]:q', path: 'Observation.value[x]', sliceName: 'q', type: [{ code: 'Quantity' }] },
        ],
      },
    };
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad));
    assert.throws(() => createValidator({ profilesDir: dir }), /pattern\/value slicing/);
  });
});

function mkdir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
