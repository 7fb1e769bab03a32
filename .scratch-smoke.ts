import { createTestApp } from './test/helpers/test-app';
async function main() {
  const t = await createTestApp();
  let r = await t.request.post('/fhir/Patient').set('Content-Type', 'application/fhir+json').send({ resourceType: 'Patient', gender: 'banana' });
  console.log(r.status, r.text);
  const p = (await t.request.post('/fhir/Patient').set('Content-Type', 'application/fhir+json').send({ resourceType: 'Patient', gender:'male' })).body;
  r = await t.request.patch(`/fhir/Patient/${p.id}`).set('Content-Type', 'application/json-patch+json').send(JSON.stringify([{ op: 'test', path: '/gender', value: 'female' }]));
  console.log(r.status, r.text);
  r = await t.request.get(`/fhir/Patient?foo=bar`).set('Prefer', 'handling=strict');
  console.log(r.status, r.text);
  r = await t.request.get(`/fhir/Patient?foo=bar`);
  console.log(r.status, r.text);
  r = await t.request.get(`/fhir/Patient?_count=1`);
  console.log(r.status, JSON.stringify(r.body.link));
  await t.close();
}
main().catch((e) => { console.error(e); process.exit(1); });
