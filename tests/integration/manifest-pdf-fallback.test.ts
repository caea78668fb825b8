/**
 * Printable manifests on a machine without Debian's fonts-noto-cjk (issue 12 item 7): `npm ci && npm
 * start` must print them with the CJK font shipped in the npm package @embedpdf/fonts-sc (Noto Sans S
 * Chinese). MANIFEST_PDF_FONT names a file that does not exist, as on such a machine; the text is read
 * back with pdftotext, which needs the font's ToUnicode map to be right, not just the glyphs drawn.
 */
import { existsSync } from 'node:fs';
import { expect } from 'chai';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { auth } from '../helpers/actors.js';
import { skipOrFail } from '../helpers/services.js';
import { flyAshDeal, openTrip, walkTrip } from '../helpers/manifests.js';
import { PDFTOTEXT, binary, pdfText } from '../helpers/pdf.js';

const MISSING = '/nonexistent/fonts/NotoSansCJK-Regular.ttc';

describe('manifests: the printable PDF without the system CJK font', () => {
  let t: TestApp;
  const logLines: string[] = [];
  before(async function () {
    if (!existsSync(PDFTOTEXT)) skipOrFail(this, 'pdftotext not found (apt-get install -y poppler-utils)');
    t = await createTestApp({
      env: { MANIFEST_PDF_FONT: MISSING, LOG_LEVEL: 'info' },
      logDestination: { write: (s: string) => void logLines.push(s) },
    });
  });
  after(async () => {
    await t?.close();
  });

  it('prints with the bundled font, and the text holds the Chinese waste name, the form title and the parties', async () => {
    const d = await flyAshDeal(t);
    const m = await walkTrip(t, d, await openTrip(t, d, 12_000), { loadedKg: 12_000, receivedKg: 12_000 });
    const res = await t.request.get(`/api/v1/manifests/${m.id}/pdf`).set(auth(d.carrier.token)).buffer(true).parse(binary);
    expect(res.status, String(res.body)).to.equal(200);
    expect(res.headers['content-type']).to.match(/^application\/pdf/);
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
    expect(pdf.toString('latin1'), 'the embedded face is the bundled Noto Sans Hans').to.match(
      /\/BaseFont \/[A-Z]{6}\+NotoSansHans-Regular/,
    );
    expect(pdf.length, 'the 8 MB font is subset, not embedded whole').to.be.lessThan(1_000_000);
    const text = pdfText(pdf);
    expect(text).to.contain('生活垃圾焚烧飞灰');
    expect(text).to.contain('危险废物转移联单');
    expect(text).to.contain(m.number);
    expect(text).to.contain(d.generator.org.uscc);
    expect(text).to.contain('毒性');
  });

  it('a character outside the font (𠮷, U+20BB7) prints as □ with its code point; 堃 is in the font and prints as itself', async () => {
    const d = await flyAshDeal(t);
    const m = await openTrip(t, d, 2_000, { driverName: '王堃', emergencyMeasures: '泄漏时联系𠮷野环保应急中心。' });
    const res = await t.request.get(`/api/v1/manifests/${m.id}/pdf`).set(auth(d.generator.token)).buffer(true).parse(binary);
    expect(res.status, String(res.body)).to.equal(200);
    const text = pdfText(res.body as Buffer);
    expect(text).to.contain('王堃');
    expect(text).to.contain('联系□(U+20BB7)野环保应急中心');
  });

  it('the boot log says the configured font is missing and which bundled font is used', () => {
    const lines = logLines.map(
      (l) => JSON.parse(l) as { level: number; msg: string; font?: string; missing?: string; source?: string },
    );
    const chosen = lines.find((l) => l.source === 'bundled');
    expect(chosen, 'a log line names the font printable manifests use').to.not.equal(undefined);
    expect(chosen!.font).to.match(/@embedpdf\/fonts-sc\/fonts\/NotoSansHans-Regular\.otf$/);
    expect(chosen!.missing).to.equal(MISSING);
    expect(chosen!.level, 'a warning: printing works, with less coverage than the system font').to.equal(40);
  });
});
