/**
 * Issue 14 item 4: the manifest export in the national electronic manifest's layout, per trip and in
 * bulk by date range and district, as JSON and CSV, for regulators in scope and machine clients holding
 * the scope manifests:export (docs/manifest-export.md).
 */
import { expect } from 'chai';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminToken, auth, createRegulator, type OrgActor } from '../helpers/actors.js';
import { clientToken, registerClient } from '../helpers/clients.js';
import { flyAshDeal, openTrip, walkTrip, type Deal } from '../helpers/manifests.js';
import {
  MANIFEST_EXPORT_FIELDS,
  type TManifestExport,
  type TManifestExportRecord,
} from '../../shared/src/schemas/manifest-export.js';
import type { TManifest } from '../../shared/src/schemas/manifests.js';

/** Every field of the national form (危险废物转移联单) a closed, accepted trip must carry in the export. */
const NATIONAL_FORM_FIELDS = [
  // The numbers
  'manifestNumber',
  'officialNumber',
  // 移出人: name, USCC, address, contact, management plan
  'shipperName',
  'shipperUscc',
  'shipperContactName',
  'shipperContactPhone',
  'managementPlanRef',
  'pickupAddress',
  // 承运人: name, USCC, road-transport licence, contact, vehicle and its permit, driver and certificate
  'carrierName',
  'carrierUscc',
  'carrierLicenceNumber',
  'carrierContactName',
  'carrierContactPhone',
  'vehiclePlate',
  'vehiclePermitNumber',
  'driverName',
  'driverCertificateNumber',
  // 接受人: name, USCC, hazardous-waste business licence, contact, address
  'receiverName',
  'receiverUscc',
  'receiverLicenceNumber',
  'receiverContactName',
  'receiverContactPhone',
  'destinationAddress',
  // The waste
  'wasteCode',
  'wasteCategory',
  'wasteName',
  'hazardCharacteristics',
  'hazardousConstituents',
  'physicalForm',
  'packaging',
  'packageCount',
  'declaredKg',
  'emergencyMeasures',
  'plannedMethodCode',
  // Dates, receipt decision and accepted quantity, method and date of disposal
  'issuedAt',
  'loadedAt',
  'loadedKg',
  'departedAt',
  'arrivedAt',
  'receivedAt',
  'receivedKg',
  'receiptDecision',
  'acceptedKg',
  'disposalMethodCode',
  'disposalMethodName',
  'disposalDate',
  'closedAt',
] as const;

const FORM = {
  pickupAddress: '绍兴市柯桥区马鞍街道滨海工业区 18 号',
  destinationAddress: '绍兴市上虞区杭州湾经济技术开发区纬五路 6 号',
  shipperContact: { name: '陈立', phone: '13905751234' },
  carrierContact: { name: '王海', phone: '0575-85123456' },
  // A name that a spreadsheet would run as a formula.
  receiverContact: { name: '=HYPERLINK("http://evil.example","点我")', phone: '13805759876' },
  driverCertificateNumber: '330621198001010011',
  vehiclePermitNumber: '浙交运管绍字330600012345号',
  hazardousConstituents: '+铅、镉、二噁英',
  packageCount: 40,
  managementPlanRef: 'ZJ-GF-2026-0123',
  plannedMethodCode: 'D1',
};

describe('manifests: the export in the national layout (issue 14)', () => {
  let t: TestApp;
  let d: Deal;
  let m: TManifest;
  let city: OrgActor;
  let zhuji: OrgActor;
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  before(async function () {
    this.timeout(120_000);
    t = await createTestApp();
    d = await flyAshDeal(t, { quantityKg: 5_000 });
    m = await walkTrip(t, d, await openTrip(t, d, 5_000, { form: FORM, officialNumber: 'HW330600-2026-000123' }), {
      until: 'report_disposal',
    });
    expect(m.status).to.equal('closed');
    const admin = await adminToken(t.request);
    city = await createRegulator(t.request, 'city', admin);
    zhuji = await createRegulator(t.request, ['330681'], admin);
  });
  after(async () => {
    await t?.close();
  });

  const exportOne = async (who: string, query = '') => t.request.get(`/api/v1/manifests/${m.id}/export${query}`).set(auth(who));

  it('the export of a closed manifest holds every field of the national form', async () => {
    const res = await exportOne(city.token);
    expect(res.status, res.text).to.equal(200);
    const e = res.body as TManifestExport;
    expect(e).to.include({ layout: 'national-electronic-manifest', version: 1, range: null });
    expect(e.items).to.have.length(1);
    const r = e.items[0]!;
    expect(Object.keys(r)).to.deep.equal([...MANIFEST_EXPORT_FIELDS]);
    const missing = NATIONAL_FORM_FIELDS.filter((f) => r[f] === null || r[f] === '');
    expect(missing, `fields without a value: ${missing.join(', ')}`).to.deep.equal([]);
    expect(r).to.include({
      manifestNumber: m.number,
      officialNumber: 'HW330600-2026-000123',
      shipperUscc: d.generator.org.uscc,
      receiverUscc: d.recycler.org.uscc,
      carrierUscc: d.carrier.org.uscc,
      receiptDecision: 'accept',
      acceptedKg: 5_000,
      declaredKg: 5_000,
      disposalMethodCode: 'D10',
      disposalMethodName: '焚烧',
      plannedMethodCode: 'D1',
      plannedMethodName: '填埋',
      packageCount: 40,
      paperManifest: false,
      status: 'closed',
    } satisfies Partial<TManifestExportRecord>);
    expect(r.carrierLicenceNumber).to.equal(m.parties.carrier.licenceNumber);
    expect(r.receiverLicenceNumber).to.equal(m.parties.receiver.licenceNumber);
    expect(r.disposalDate).to.equal(today);
  });

  it('CSV has the same columns, quotes properly and neutralises cells a spreadsheet would run as formulas', async () => {
    const res = await exportOne(city.token, '?format=csv');
    expect(res.status, res.text).to.equal(200);
    expect(res.headers['content-type']).to.match(/^text\/csv/);
    expect(res.headers['content-disposition']).to.include(`manifest-${m.number}.csv`);
    const text = res.text;
    expect(text.startsWith('\uFEFF')).to.equal(true);
    const [header, row] = text.slice(1).split('\r\n');
    expect(header!.split(',')).to.deep.equal([...MANIFEST_EXPORT_FIELDS]);
    // The formula is quoted (it holds commas and quotes) and starts with an apostrophe.
    expect(row).to.include(`"'=HYPERLINK(""http://evil.example"",""点我"")"`);
    expect(row).to.include(`,'+铅、镉、二噁英,`);
    expect(row).to.not.match(/(^|,)[=+@-]/);
    // Accept: text/csv asks for CSV too.
    const byAccept = await t.request.get(`/api/v1/manifests/${m.id}/export`).set(auth(city.token)).set('Accept', 'text/csv');
    expect(byAccept.headers['content-type']).to.match(/^text\/csv/);
  });

  it('in bulk by date range and district, within the regulator’s scope; parties and others are refused', async () => {
    const bulk = await t.request.get(`/api/v1/manifests/export?from=${today}&to=${today}&district=330603`).set(auth(city.token));
    expect(bulk.status, bulk.text).to.equal(200);
    expect(bulk.body.range).to.deep.equal({ from: today, to: today, district: '330603' });
    expect((bulk.body as TManifestExport).items.map((i) => i.manifestNumber)).to.include(m.number);

    const elsewhere = await t.request
      .get(`/api/v1/manifests/export?from=${today}&to=${today}&district=330683`)
      .set(auth(city.token));
    expect((elsewhere.body as TManifestExport).items.map((i) => i.manifestNumber)).to.not.include(m.number);

    const csv = await t.request.get(`/api/v1/manifests/export?from=${today}&to=${today}&format=csv`).set(auth(city.token));
    expect(csv.status).to.equal(200);
    expect(csv.text).to.include(m.number);

    // A Zhuji regulator sees no Keqiao → Shangyu trip, and may not ask for Keqiao.
    const narrow = await t.request.get(`/api/v1/manifests/export?from=${today}&to=${today}`).set(auth(zhuji.token));
    expect(narrow.status, narrow.text).to.equal(200);
    expect((narrow.body as TManifestExport).items.map((i) => i.manifestNumber)).to.not.include(m.number);
    const outside = await t.request
      .get(`/api/v1/manifests/export?from=${today}&to=${today}&district=330603`)
      .set(auth(zhuji.token));
    expect(outside.status, outside.text).to.equal(400);
    expect((await exportOne(zhuji.token)).status).to.equal(404);

    // The parties export nothing; a range over 366 days names `to`.
    expect((await exportOne(d.generator.token)).status).to.equal(403);
    const long = await t.request.get('/api/v1/manifests/export?from=2025-01-01&to=2026-06-30').set(auth(city.token));
    expect(long.status, long.text).to.equal(400);
    expect(long.body.error.details.fields[0].path).to.equal('query.to');
  });

  describe('a machine client with the scope manifests:export (the government system)', () => {
    let exporter: string;
    let withoutScope: string;
    before(async () => {
      const admin = await adminToken(t.request);
      exporter = await clientToken(t.request, await registerClient(t.request, ['manifests:export'], admin));
      withoutScope = await clientToken(t.request, await registerClient(t.request, ['feeds:read:manifests'], admin));
    });

    it('gets the JSON and CSV export of a closed manifest, the same record a regulator gets', async () => {
      const res = await exportOne(exporter);
      expect(res.status, res.text).to.equal(200);
      const e = res.body as TManifestExport;
      expect(e).to.include({ layout: 'national-electronic-manifest', version: 1, range: null });
      const asRegulator = (await exportOne(city.token)).body as TManifestExport;
      expect(e.items).to.deep.equal(asRegulator.items);
      expect(e.items[0]).to.include({ manifestNumber: m.number, status: 'closed', receiptDecision: 'accept', acceptedKg: 5_000 });

      const csv = await exportOne(exporter, '?format=csv');
      expect(csv.status, csv.text).to.equal(200);
      expect(csv.headers['content-type']).to.match(/^text\/csv/);
      const [header, row] = csv.text.slice(1).split('\r\n');
      expect(header!.split(',')).to.deep.equal([...MANIFEST_EXPORT_FIELDS]);
      expect(row!.startsWith(`${m.number},`)).to.equal(true);
    });

    it('gets the bulk export by date range and district, as JSON and CSV', async () => {
      const bulk = await t.request.get(`/api/v1/manifests/export?from=${today}&to=${today}&district=330603`).set(auth(exporter));
      expect(bulk.status, bulk.text).to.equal(200);
      expect(bulk.body.range).to.deep.equal({ from: today, to: today, district: '330603' });
      expect((bulk.body as TManifestExport).items.map((i) => i.manifestNumber)).to.include(m.number);

      // Another district and an earlier range leave the Keqiao → Shangyu trip out.
      const elsewhere = await t.request
        .get(`/api/v1/manifests/export?from=${today}&to=${today}&district=330683`)
        .set(auth(exporter));
      expect(elsewhere.status, elsewhere.text).to.equal(200);
      expect((elsewhere.body as TManifestExport).items.map((i) => i.manifestNumber)).to.not.include(m.number);
      const earlier = await t.request.get('/api/v1/manifests/export?from=2025-01-01&to=2025-01-31').set(auth(exporter));
      expect(earlier.status, earlier.text).to.equal(200);
      expect((earlier.body as TManifestExport).items.map((i) => i.manifestNumber)).to.not.include(m.number);

      const csv = await t.request
        .get(`/api/v1/manifests/export?from=${today}&to=${today}&district=330603&format=csv`)
        .set(auth(exporter));
      expect(csv.status, csv.text).to.equal(200);
      expect(csv.headers['content-type']).to.match(/^text\/csv/);
      expect(csv.headers['content-disposition']).to.include(`manifests-${today}-${today}-330603.csv`);
      expect(csv.text).to.include(m.number);
    });

    it('a client without the scope is 403 INSUFFICIENT_SCOPE; the scope opens no other user route', async () => {
      const one = await exportOne(withoutScope);
      expect(one.status, one.text).to.equal(403);
      expect(one.body.error).to.include({ code: 'INSUFFICIENT_SCOPE' });
      expect(one.body.error.details).to.deep.equal({ scope: 'manifests:export' });
      const bulk = await t.request.get(`/api/v1/manifests/export?from=${today}&to=${today}`).set(auth(withoutScope));
      expect(bulk.status, bulk.text).to.equal(403);
      expect(bulk.body.error.code).to.equal('INSUFFICIENT_SCOPE');

      // The exporter reads the export only: the manifest itself and its PDF stay user routes.
      for (const path of [`/api/v1/manifests/${m.id}`, `/api/v1/manifests/${m.id}/pdf`, '/api/v1/manifests']) {
        const res = await t.request.get(path).set(auth(exporter));
        expect(res.status, path).to.equal(403);
        expect(res.body.error.code, path).to.equal('FORBIDDEN_ROLE');
      }
    });
  });
});
