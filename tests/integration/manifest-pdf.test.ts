/**
 * The printable manifest (GET /manifests/:id/pdf): a PDF in Chinese with the number, the waste name
 * and a QR code, checked by extracting its text with Debian's pdftotext (poppler-utils).
 */
import { existsSync } from 'node:fs';
import { expect } from 'chai';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { auth, createRegulator, registerOrg } from '../helpers/actors.js';
import { skipOrFail } from '../helpers/services.js';
import { flyAshDeal, openTrip, slagDeal, walkTrip } from '../helpers/manifests.js';
import { PDFTOTEXT, binary, pdfText } from '../helpers/pdf.js';

const FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';

describe('manifests: the printable PDF', () => {
  let t: TestApp;
  before(async function () {
    if (!existsSync(PDFTOTEXT)) skipOrFail(this, 'pdftotext not found (apt-get install -y poppler-utils)');
    if (!existsSync(FONT)) skipOrFail(this, `the CJK font ${FONT} is missing (apt-get install -y fonts-noto-cjk)`);
    t = await createTestApp();
  });
  after(async () => {
    await t?.close();
  });

  it('holds the number, the Chinese waste name, the code, the parties and the weights', async () => {
    const d = await flyAshDeal(t);
    const m = await walkTrip(t, d, await openTrip(t, d, 12_000, { vehiclePlate: '浙D·66Y88' }), {
      loadedKg: 12_040,
      receivedKg: 12_000,
    });
    const res = await t.request.get(`/api/v1/manifests/${m.id}/pdf`).set(auth(d.carrier.token)).buffer(true).parse(binary);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^application\/pdf/);
    expect(res.headers['content-disposition']).to.contain(`manifest-${m.number}.pdf`);
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
    expect(pdf.length, 'the font is subset, not embedded whole').to.be.lessThan(1_000_000);
    expect(pdf.toString('latin1'), 'the system font comes before the bundled one').to.match(
      /\/BaseFont \/[A-Z]{6}\+NotoSansCJKsc-Regular/,
    );
    const text = pdfText(pdf);
    expect(text).to.contain(m.number);
    expect(text).to.contain('生活垃圾焚烧飞灰');
    expect(text).to.contain('危险废物转移联单');
    expect(text).to.contain('772-002-18');
    expect(text).to.contain('浙D66Y88');
    expect(text).to.contain(d.generator.org.uscc);
    expect(text).to.contain(m.parties.carrier.licenceNumber!);
    expect(text).to.contain('12,040 kg');
    expect(text).to.contain('毒性');
  });

  it('prints the national form’s further fields, the method code, and marks a paper entry (issue 14)', async () => {
    const d = await flyAshDeal(t);
    const shippedOn = new Date(Date.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
    const opened = await openTrip(t, d, 6_000, {
      form: {
        pickupAddress: '柯桥区马鞍街道滨海工业区18号',
        shipperContact: { name: '陈立', phone: '13905751234' },
        driverCertificateNumber: '330621198001010011',
        vehiclePermitNumber: '浙交运管330600012345',
        hazardousConstituents: '铅、镉',
        packageCount: 40,
        managementPlanRef: 'ZJ-GF-2026-0123',
        plannedMethodCode: 'D1',
      },
      paper: { paperNumber: 'ZJ2026-000731', shippedOn, reason: '系统停电' },
    });
    const m = await walkTrip(t, d, opened, { until: 'report_disposal' });
    const res = await t.request.get(`/api/v1/manifests/${m.id}/pdf`).set(auth(d.generator.token)).buffer(true).parse(binary);
    expect(res.status).to.equal(200);
    const text = pdfText(res.body as Buffer).replace(/\s+/g, '');
    for (const s of [
      '柯桥区马鞍街道滨海工业区18号',
      '13905751234',
      '330621198001010011',
      '浙交运管330600012345',
      '铅、镉',
      '40件',
      'ZJ-GF-2026-0123',
      'D1填埋',
      'D10焚烧',
      '纸质联单补录',
      'ZJ2026-000731',
    ])
      expect(text, s).to.contain(s);
  });

  it('a general-waste manifest says so; a regulator in scope may print it; a stranger gets 404', async () => {
    const d = await slagDeal(t);
    const m = await openTrip(t, d, 5_000);
    const regulator = await createRegulator(t.request, ['330603']);
    const res = await t.request.get(`/api/v1/manifests/${m.id}/pdf`).set(auth(regulator.token)).buffer(true).parse(binary);
    expect(res.status).to.equal(200);
    const text = pdfText(res.body as Buffer);
    expect(text).to.contain('一般工业固体废物转移联单');
    expect(text).to.contain('冶炼废渣');
    expect(text).to.contain(m.number);
    const stranger = await registerOrg(t.request);
    const denied = await t.request.get(`/api/v1/manifests/${m.id}/pdf`).set(auth(stranger.token));
    expect(denied.status).to.equal(404);
    expect(denied.body.error.code).to.equal('NOT_FOUND');
  });
});
