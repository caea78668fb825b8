/**
 * Which font prints manifests (server/src/modules/manifests/pdf-font.ts) and what prints for a
 * character the font cannot draw (pdf.ts `printable`). The rendering itself is checked through the
 * API with pdftotext in tests/integration/manifest-pdf*.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { bundledFontPath, choosePrintFont } from '../../server/src/modules/manifests/pdf-font.js';
import { printable } from '../../server/src/modules/manifests/pdf.js';

describe('printable manifests: the font', () => {
  let dir: string;
  let present: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'zwx-font-'));
    present = path.join(dir, 'NotoSansCJK-Regular.ttc');
    writeFileSync(present, 'not read here: only its presence counts');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the bundled Noto Sans S Chinese from @embedpdf/fonts-sc is installed and found by the package metadata', () => {
    expect(bundledFontPath()).to.match(/node_modules\/@embedpdf\/fonts-sc\/fonts\/NotoSansHans-Regular\.otf$/);
  });

  it('the configured font comes first when its file exists, with its face name', () => {
    expect(choosePrintFont({ path: present, name: 'NotoSansCJKsc-Regular' }, '/bundled.otf')).to.deep.equal({
      path: present,
      name: 'NotoSansCJKsc-Regular',
      source: 'configured',
    });
  });

  it('a missing configured font falls back to the bundled one, without the collection face name', () => {
    expect(choosePrintFont({ path: path.join(dir, 'missing.ttc'), name: 'NotoSansCJKsc-Regular' }, '/bundled.otf')).to.deep.equal(
      {
        path: '/bundled.otf',
        source: 'bundled',
      },
    );
  });

  it('with neither there is no font (the PDF route answers 503 UNAVAILABLE)', () => {
    expect(choosePrintFont({ path: path.join(dir, 'missing.ttc') }, null)).to.equal(null);
  });
});

describe('printable manifests: characters the font cannot draw', () => {
  const noSupplementary = (cp: number) => cp <= 0xffff;

  it('writes a character without a glyph as □ and its code point, and keeps the others', () => {
    expect(printable('联系𠮷野环保', noSupplementary)).to.equal('联系□(U+20BB7)野环保');
    expect(printable('王堃 A1（浙D）', () => true)).to.equal('王堃 A1（浙D）');
    expect(printable('\u9FEB', (cp) => cp !== 0x9feb)).to.equal('□(U+9FEB)');
  });

  it('leaves line breaks, spaces and format characters alone: pdfkit lays them out without glyphs', () => {
    expect(printable('第一行\n第二行\t 末\u200D', (cp) => cp > 0x20 && cp !== 0x200d)).to.equal('第一行\n第二行\t 末\u200D');
  });

  it('never drops a character: every one the font has is kept as written, in order', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(printable(s, () => true)).to.equal(s);
        const out = printable(s, noSupplementary);
        const drawable = [...s].filter((c) => c.codePointAt(0)! <= 0xffff || /[\s\p{Cc}\p{Cf}]/u.test(c));
        expect(out.replace(/□\(U\+[0-9A-F]{5,6}\)/g, '')).to.equal(drawable.join(''));
      }),
    );
  });
});
