import { createTestApp } from './test/helpers/test-app';
async function main() {
  const t = await createTestApp();
  const p = (await t.request.post('/fhir/Patient').set('Content-Type', 'application/fhir+json').send({ resourceType: 'Patient', gender:'male' })).body;
  await t.close();
  const r = await t.request.get(`/fhir/Patient/${p.id}`);
  console.log(r.status, r.text);
}
main().catch((e) => { console.error(e); process.exit(1); });
