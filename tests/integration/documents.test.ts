/**
 * Documents (issue 13 item 10): the type is read from the bytes, never the name; the size is capped
 * (DOCUMENT_MAX_BYTES, 413); a document is served only to those who may read its record (404
 * otherwise); one on a trip puts its SHA-256 on the trip's chain, which still verifies.
 */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { auth, registerOrg } from '../helpers/actors.js';
import { flyAshDeal, openTrip, walkTrip } from '../helpers/manifests.js';
import { createGenerator, createListing, steelListing } from '../helpers/trading.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)]);
const EXE = Buffer.concat([Buffer.from('MZ', 'latin1'), Buffer.alloc(64, 0x90)]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('documents: upload, type from content, size cap, access, chain', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ env: { DOCUMENT_MAX_BYTES: '4096' } });
  });
  after(async () => {
    await t?.close();
  });

  const upload = (token: string, q: Record<string, string>, body: Buffer, type = 'application/pdf') =>
    t.request
      .post(`/api/v1/documents?${new URLSearchParams(q)}`)
      .set(auth(token))
      .set('Content-Type', type)
      .send(body);

  it('a weighbridge ticket uploaded at receipt is listed on the manifest, its hash is on the chain and the chain verifies', async () => {
    const d = await flyAshDeal(t, { quantityKg: 10_000 });
    const m = await walkTrip(t, d, await openTrip(t, d, 10_000));
    const res = await upload(
      d.recycler.token,
      { subjectType: 'manifest', subjectId: m.id, kind: 'weighbridge_ticket', filename: '地磅单.pdf' },
      PDF,
    );
    expect(res.status, res.text).to.equal(201);
    expect(res.body).to.include({
      contentType: 'application/pdf',
      sha256: sha(PDF),
      sizeBytes: PDF.length,
      kind: 'weighbridge_ticket',
    });
    expect(res.body.chainSeq).to.be.a('number');
    const list = await t.request
      .get(`/api/v1/documents?subjectType=manifest&subjectId=${m.id}`)
      .set(auth(d.generator.token))
      .expect(200);
    expect(list.body.items.map((x: { id: string }) => x.id)).to.deep.equal([res.body.id]);
    const audit = await t.request.get(`/api/v1/manifests/${m.id}/audit`).set(auth(d.carrier.token)).expect(200);
    expect(audit.body.valid).to.equal(true);
    expect(audit.body.projectionValid).to.equal(true);
    const ev = audit.body.events.find((e: { seq: number }) => e.seq === res.body.chainSeq);
    expect(ev.type).to.equal('document');
    expect(ev.data.documents).to.deep.equal([
      { id: res.body.id, kind: 'weighbridge_ticket', sha256: sha(PDF), contentType: 'application/pdf' },
    ]);
    const bytes = await t.request
      .get(`/api/v1/documents/${res.body.id}`)
      .set(auth(d.generator.token))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(bytes.status).to.equal(200);
    expect(bytes.headers['content-type']).to.match(/^application\/pdf/);
    expect(sha(bytes.body as Buffer)).to.equal(sha(PDF));
  });

  it('the type comes from the bytes: PDF content named .png and sent as image/png is stored as PDF; an .exe named .pdf is 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const d = await flyAshDeal(t, { quantityKg: 10_000 });
    const m = await walkTrip(t, d, await openTrip(t, d, 10_000));
    const q = { subjectType: 'manifest', subjectId: m.id, kind: 'weighbridge_ticket' };
    const png = await upload(d.recycler.token, { ...q, filename: 'ticket.png' }, PDF, 'image/png');
    expect(png.status, png.text).to.equal(201);
    expect(png.body.contentType).to.equal('application/pdf');
    const exe = await upload(d.recycler.token, { ...q, filename: 'ticket.pdf' }, EXE, 'application/pdf');
    expect([exe.status, exe.body.error.code]).to.deep.equal([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const wrongHeader = await upload(d.recycler.token, q, PNG, 'application/octet-stream');
    expect([wrongHeader.status, wrongHeader.body.error.code]).to.deep.equal([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const real = await upload(d.recycler.token, q, PNG, 'image/png');
    expect([real.status, real.body.contentType]).to.deep.equal([201, 'image/png']);
  });

  it('a file above DOCUMENT_MAX_BYTES is 413 PAYLOAD_TOO_LARGE and nothing is stored', async () => {
    const d = await flyAshDeal(t, { quantityKg: 10_000 });
    const m = await walkTrip(t, d, await openTrip(t, d, 10_000));
    const big = Buffer.concat([PDF, Buffer.alloc(5000, 0x20)]);
    const res = await upload(d.recycler.token, { subjectType: 'manifest', subjectId: m.id, kind: 'weighbridge_ticket' }, big);
    expect([res.status, res.body.error.code]).to.deep.equal([413, 'PAYLOAD_TOO_LARGE']);
    const list = await t.request
      .get(`/api/v1/documents?subjectType=manifest&subjectId=${m.id}`)
      .set(auth(d.recycler.token))
      .expect(200);
    expect(list.body.items).to.have.length(0);
  });

  it('another organisation gets 404 for the list, the bytes and an upload; a carrier may not add a weighbridge ticket', async () => {
    const d = await flyAshDeal(t, { quantityKg: 10_000 });
    const m = await walkTrip(t, d, await openTrip(t, d, 10_000));
    const doc = await upload(d.recycler.token, { subjectType: 'manifest', subjectId: m.id, kind: 'weighbridge_ticket' }, PDF);
    expect(doc.status).to.equal(201);
    const stranger = await registerOrg(t.request);
    expect((await t.request.get(`/api/v1/documents/${doc.body.id}`).set(auth(stranger.token))).status).to.equal(404);
    expect(
      (await t.request.get(`/api/v1/documents?subjectType=manifest&subjectId=${m.id}`).set(auth(stranger.token))).status,
    ).to.equal(404);
    expect(
      (await upload(stranger.token, { subjectType: 'manifest', subjectId: m.id, kind: 'weighbridge_ticket' }, PDF)).status,
    ).to.equal(404);
    const carrier = await upload(d.carrier.token, { subjectType: 'manifest', subjectId: m.id, kind: 'weighbridge_ticket' }, PDF);
    expect([carrier.status, carrier.body.error.code]).to.deep.equal([403, 'NOT_A_PARTY']);
  });

  it("a listing's lab report: its owner uploads it, any signed-in user lists it, another org may not add one, and a weighbridge ticket is not a listing's kind (400)", async () => {
    const gen = await createGenerator(t.request);
    const listing = await createListing(t.request, gen, steelListing());
    const q = { subjectType: 'listing', subjectId: listing.id, kind: 'lab_report', filename: '检测报告.pdf' };
    const up = await upload(gen.token, q, PDF);
    expect([up.status, up.body.chainSeq]).to.deep.equal([201, null]);
    const other = await registerOrg(t.request);
    const list = await t.request
      .get(`/api/v1/documents?subjectType=listing&subjectId=${listing.id}`)
      .set(auth(other.token))
      .expect(200);
    expect(list.body.items.map((x: { sha256: string }) => x.sha256)).to.deep.equal([sha(PDF)]);
    const theirs = await upload(other.token, q, PDF);
    expect([theirs.status, theirs.body.error.code]).to.deep.equal([403, 'NOT_A_PARTY']);
    const wrongKind = await upload(gen.token, { ...q, kind: 'weighbridge_ticket' }, PDF);
    expect([wrongKind.status, wrongKind.body.error.details.fields[0].path]).to.deep.equal([400, 'query.kind']);
  });
});
