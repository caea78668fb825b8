/**
 * The printable manifest (GET /manifests/:id/pdf): the fields of the national form (DOMAIN: manifest
 * record fields) in Chinese, a QR code of our number, and the chain's last hash so a printout can be
 * checked against the audit endpoint. pdfkit embeds a subset of a CJK font chosen by pdf-font.ts:
 * Debian's fonts-noto-cjk by default (MANIFEST_PDF_FONT; a .ttc needs the face's PostScript name,
 * MANIFEST_PDF_FONT_NAME), else the bundled Noto Sans S Chinese.
 */
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { SHANGHAI_OFFSET_MS } from '../../../../shared/src/calendar.js';
import { DISTRICTS } from '../../../../shared/src/districts.js';
import type { TManifest } from '../../../../shared/src/schemas/manifests.js';
import { disposalMethod } from '../../../../shared/src/disposal-methods.js';
import type { PrintFont } from './pdf-font.js';
import { CHARACTERISTIC_ZH, DECISION_ZH, EVENT_ZH, FORM_ZH, PACKAGING_ZH, STATUS_ZH } from './forms.js';

const districtName = (code: string): string => DISTRICTS.find((d) => d.code === code)?.nameZh ?? code;

/** Spaces, line breaks and invisible format characters: pdfkit lays them out without a glyph of their own. */
const NO_GLYPH_NEEDED = /[\s\p{Cc}\p{Cf}]/u;

/**
 * The text with each character the font has no glyph for written as □ and its code point
 * (`□(U+20BB7)`): the font's .notdef box would look the same for every missing character and
 * pdftotext reads it as a space, so a rare character in a company or person's name would be lost on
 * the printout. The stored manifest keeps the character; only the print says what it could not draw.
 */
export function printable(text: string, hasGlyph: (codePoint: number) => boolean): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    out += NO_GLYPH_NEEDED.test(ch) || hasGlyph(cp) ? ch : `□(U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
  }
  return out;
}

/**
 * Whether the document's current font draws a code point. pdfkit keeps the fontkit font it embeds
 * at `_font.font`, which its typings do not declare; tests/integration/manifest-pdf-fallback.test.ts
 * prints a character the bundled font lacks, so a pdfkit that moves it fails there, not silently.
 */
function glyphCheck(doc: PDFKit.PDFDocument): (codePoint: number) => boolean {
  const font = (doc as unknown as { _font?: { font?: { hasGlyphForCodePoint?: (cp: number) => boolean } } })._font?.font;
  const has = font?.hasGlyphForCodePoint;
  return typeof has === 'function' ? (cp) => has.call(font, cp) : () => true;
}

/** 2026-03-06 15:04 (Shanghai time). */
function shanghai(isoString: string | null): string {
  if (!isoString) return '—';
  return new Date(new Date(isoString).getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** A deadline (the end of a Shanghai day) as that day and 24:00: 2026-12-04 24:00. */
function due(isoString: string | null): string {
  if (!isoString) return '—';
  return `${new Date(new Date(isoString).getTime() - 1 + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10)} 24:00`;
}

/** 张三 13905751234, or —. */
function contact(c: { name: string; phone: string } | null): string {
  return c ? `${c.name}  ${c.phone}` : '—';
}

/** D10 焚烧, or — (a code outside today's list prints as itself). */
function method(code: string | null): string {
  if (!code) return '—';
  const m = disposalMethod(code);
  return m ? `${m.code} ${m.nameZh}` : code;
}

function kg(n: number | null): string {
  if (n == null) return '—';
  return `${n.toLocaleString('en-US')} kg（${(n / 1000).toLocaleString('en-US', { maximumFractionDigits: 3 })} 吨）`;
}

export async function renderManifestPdf(m: TManifest, o: { font: PrintFont; now: Date }): Promise<Buffer> {
  const qr = await QRCode.toBuffer(m.number, { type: 'png', margin: 1, width: 240, errorCorrectionLevel: 'M' });
  const doc = new PDFDocument({
    size: 'A4',
    margin: 40,
    info: {
      Title: `转移联单 ${m.number}`,
      Subject: m.lines[0]?.nameZh ?? m.wasteCode,
      Creator: 'Zero-Waste Exchange',
      CreationDate: o.now,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  if (o.font.name) doc.font(o.font.path, o.font.name);
  else doc.font(o.font.path);
  const has = glyphCheck(doc);
  const p = (text: string) => printable(text, has);

  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  // A collection intake (issue 18) is the producer → collection point leg of 小箱进大箱.
  const title =
    m.kind === 'collection'
      ? '小微产废单位收集转移联单'
      : m.kind === 'hazardous'
        ? '危险废物转移联单'
        : '一般工业固体废物转移联单';

  doc.image(qr, left + width - 90, 36, { width: 90 });
  doc.fontSize(18).text(title, left, 44, { width: width - 100 });
  doc
    .fontSize(10)
    .fillColor('#444')
    .text('Transfer manifest · Zero-Waste Exchange 绍兴', { width: width - 100 });
  doc
    .moveDown(0.4)
    .fillColor('#000')
    .fontSize(12)
    .text(p(`联单编号 No. ${m.number}`), { width: width - 100 });
  doc
    .fontSize(9)
    .text(
      p(
        `国家系统联单编号：${m.officialNumber ?? '（尚未取得）'}    状态：${STATUS_ZH[m.status] ?? m.status}    交易：${m.tradeId}`,
      ),
      { width: width - 100 },
    );
  if (m.paper)
    doc
      .fontSize(9)
      .fillColor('#a00')
      .text(
        p(
          `纸质联单补录：纸质联单号 ${m.paper.paperNumber}，运出日期 ${m.paper.shippedOn}，补录期限 ${m.paper.enterBy}；原因：${m.paper.reason}`,
        ),
        { width: width - 100 },
      )
      .fillColor('#000');
  if (m.status === 'cancelled')
    doc
      .fontSize(9)
      .fillColor('#a00')
      .text(p(`本联单已作废（${shanghai(m.cancelledAt)}）：${m.cancelReason ?? ''}`), { width: width - 100 })
      .fillColor('#000');
  doc.y = Math.max(doc.y, 136);

  const section = (heading: string) => {
    doc.moveDown(0.6);
    const y = doc.y;
    doc
      .moveTo(left, y)
      .lineTo(left + width, y)
      .lineWidth(0.5)
      .strokeColor('#999')
      .stroke();
    doc.moveDown(0.3).fontSize(11).fillColor('#000').text(heading, left, doc.y, { width });
    doc.moveDown(0.2).fontSize(9);
  };
  const row = (label: string, value: string) => {
    doc
      .fontSize(9)
      .fillColor('#555')
      .text(`${label}：`, left, doc.y, { continued: true, width })
      .fillColor('#000')
      .text(p(value));
  };

  const { shipper, carrier, receiver } = m.parties;
  section('一、移出人（产生单位）');
  row('单位名称', shipper.name);
  row('统一社会信用代码', shipper.uscc);
  row('所在地', `${districtName(shipper.district)}（${shipper.district}）`);
  row('联系人 / 电话', contact(m.form.shipperContact));
  row('管理计划备案号', m.form.managementPlanRef ?? '—');
  row('起运地', `${districtName(m.originDistrict)}（${m.originDistrict}）`);
  row('起运地址', m.form.pickupAddress ?? '—');

  section('二、承运人');
  row('单位名称', carrier.name);
  row('统一社会信用代码', carrier.uscc);
  row('道路运输经营许可证号', carrier.licenceNumber ?? '—');
  row('联系人 / 电话', contact(m.form.carrierContact));
  row('车牌号', m.vehiclePlate);
  row('车辆道路运输证号', m.form.vehiclePermitNumber ?? '—');
  row('驾驶员', m.driverName);
  row('驾驶员从业资格证号', m.form.driverCertificateNumber ?? '—');

  section('三、接受人（利用处置单位）');
  row('单位名称', receiver.name);
  row('统一社会信用代码', receiver.uscc);
  row(m.kind !== 'general' ? '危险废物经营许可证号' : '许可证号', receiver.licenceNumber ?? '—');
  row('所在地', `${districtName(receiver.district)}（${receiver.district}）`);
  row('联系人 / 电话', contact(m.form.receiverContact));
  row('目的地址', m.form.destinationAddress ?? '—');

  section('四、废物信息');
  for (const [i, line] of m.lines.entries()) {
    row(`${i + 1}. 废物名称`, `${line.nameZh}（${line.nameEn}）`);
    row('废物代码 / 类别', `${line.wasteCode} / ${line.category}${line.categoryNameZh ? ` ${line.categoryNameZh}` : ''}`);
    row(
      '危险特性',
      line.hazardCharacteristics.length
        ? line.hazardCharacteristics.map((c) => `${CHARACTERISTIC_ZH[c] ?? c}(${c})`).join('、')
        : '—',
    );
    row(
      '形态 / 包装方式',
      `${line.form ? (FORM_ZH[line.form] ?? line.form) : '—'} / ${line.packaging ? (PACKAGING_ZH[line.packaging] ?? line.packaging) : '—'}`,
    );
    row('申报数量', kg(line.quantityKg));
  }
  row('主要危险成分', m.form.hazardousConstituents ?? '—');
  row('包装件数', m.form.packageCount != null ? `${m.form.packageCount} 件` : '—');
  row('拟利用处置方式', method(m.form.plannedMethodCode));

  section('五、应急措施');
  doc.fontSize(9).fillColor('#000').text(p(m.emergencyMeasures), left, doc.y, { width });

  section('六、运输与接收');
  row('签发时间', shanghai(m.issuedAt));
  row('装车时间 / 装车重量', `${shanghai(m.loadedAt)} / ${kg(m.loadedKg)}`);
  row('发车时间', shanghai(m.departedAt));
  row('到达时间', shanghai(m.arrivedAt));
  row('接收确认期限', due(m.receiptDueAt));
  row('接收时间 / 过磅重量', `${shanghai(m.receivedAt)} / ${kg(m.receivedKg)}`);
  row('接收意见 / 接收数量', `${m.decision ? DECISION_ZH[m.decision] : '—'} / ${kg(m.acceptedKg)}`);
  if (m.decisionNote) row('原因说明', m.decisionNote);
  if (m.weightGapBp != null) row('装卸重量差', `${(m.weightGapBp / 100).toFixed(2)} %（平台容差规则，法规未设容差）`);

  section('七、利用处置');
  row('利用处置方式', m.disposalMethodCode ? method(m.disposalMethodCode) : (m.disposalMethod ?? '—'));
  if (m.disposalMethodCode && m.disposalMethod && m.disposalMethod !== method(m.disposalMethodCode))
    row('说明', m.disposalMethod);
  row('利用处置日期', m.disposalDate ?? '—');
  row('报告期限', due(m.disposalDueAt));

  section('八、记录（哈希链）');
  for (const e of m.events) {
    doc
      .fontSize(8)
      .fillColor('#000')
      .text(`${e.seq}. ${shanghai(e.at)}  ${EVENT_ZH[e.type] ?? e.type}  ${e.hash.slice(0, 16)}…`, left, doc.y, { width });
  }
  const last = m.events.at(-1)?.hash ?? '';
  doc.moveDown(0.4).fontSize(7).fillColor('#555').text(`末条记录哈希 ${last}`, { width });
  doc.text(`打印时间 ${shanghai(o.now.toISOString())}（北京时间）。核验：GET /api/v1/manifests/${m.id}/audit`, { width });
  doc.end();
  return finished;
}
