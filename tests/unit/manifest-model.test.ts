import { expect } from 'chai';
import fc from 'fast-check';
import {
  ProjectionError,
  applyEvent,
  gapAboveTolerance,
  nextSteps,
  project,
  projectionMismatches,
  weightGapBp,
  type ManifestEventRecord,
} from '../../server/src/modules/manifests/model.js';

const open: ManifestEventRecord = {
  seq: 1,
  type: 'open',
  at: new Date('2026-03-02T01:00:00Z'),
  hash: 'h1',
  data: {
    tradeId: 't',
    number: '20263306000001',
    officialNumber: null,
    kind: 'hazardous',
    shipperOrgId: 's',
    carrierOrgId: 'c',
    receiverOrgId: 'r',
    parties: {},
    vehiclePlate: '浙D12345',
    driverName: '王',
    materialCode: '772-002-18',
    wasteCode: '772-002-18',
    category: 'HW18',
    lines: [],
    emergencyMeasures: '…',
    originDistrict: '330603',
    destinationDistrict: '330604',
    declaredKg: 10_000,
  },
};
const ev = (seq: number, type: ManifestEventRecord['type'], data: Record<string, unknown> = {}): ManifestEventRecord => ({
  seq,
  type,
  at: new Date(Date.UTC(2026, 2, 2, seq)),
  hash: `h${seq}`,
  data,
});

describe('manifest model: the row as a projection of its events', () => {
  it('the weight gap is exact at the tolerance: 2 % is not above 200 bp, 2.01 % is', () => {
    expect(gapAboveTolerance(10_000, 9_800, 200)).to.equal(false);
    expect(gapAboveTolerance(10_000, 10_200, 200)).to.equal(false);
    expect(gapAboveTolerance(10_000, 9_799, 200)).to.equal(true);
    expect(gapAboveTolerance(10_000, 9_500, 200)).to.equal(true);
    expect(gapAboveTolerance(1, 1, 0)).to.equal(false);
    expect(weightGapBp(10_000, 9_500)).to.equal(500);
    expect(weightGapBp(3, 2)).to.equal(3333);
    expect(weightGapBp(null, 5)).to.equal(null);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e9 }),
        fc.integer({ min: 1, max: 3e9 }),
        fc.integer({ min: 0, max: 10_000 }),
        (l, r, bp) => {
          // Same decision as the exact rational comparison |l − r| / l > bp / 10 000.
          expect(gapAboveTolerance(l, r, bp)).to.equal(BigInt(Math.abs(l - r)) * 10_000n > BigInt(bp) * BigInt(l));
        },
      ),
    );
  });

  it('folds a whole history into the row', () => {
    const p = project([
      open,
      ev(2, 'issue', { officialNumber: 'ZJ-2026-1' }),
      ev(3, 'load', { weightKg: 10_040 }),
      ev(4, 'depart'),
      ev(5, 'arrive', { receiptDueAt: '2026-03-09T16:00:00.000Z' }),
      ev(6, 'receive', {
        weightKg: 10_000,
        decision: 'partial',
        acceptedKg: 9_000,
        note: '受潮',
        disposalDueAt: '2026-04-01T16:00:00.000Z',
      }),
      ev(7, 'report_disposal', { method: 'D10', disposalDate: '2026-03-10' }),
    ])!;
    expect(p).to.include({
      status: 'closed',
      officialNumber: 'ZJ-2026-1',
      loadedKg: 10_040,
      receivedKg: 10_000,
      acceptedKg: 9_000,
      decision: 'partial',
      decisionNote: '受潮',
      disposalMethod: 'D10',
      disposalDate: '2026-03-10',
      eventCount: 7,
      lastHash: 'h7',
    });
    expect(p.receiptDueAt!.toISOString()).to.equal('2026-03-09T16:00:00.000Z');
    expect(p.loadedAt!.toISOString()).to.equal('2026-03-02T03:00:00.000Z');
    expect(nextSteps(p.status)).to.deep.equal([]);
  });

  it('a rejection ends the trip with nothing to dispose of', () => {
    const p = project([
      open,
      ev(2, 'issue'),
      ev(3, 'load', { weightKg: 1 }),
      ev(4, 'depart'),
      ev(5, 'arrive', {}),
      ev(6, 'receive', { weightKg: 1, decision: 'reject', acceptedKg: 0, note: 'x' }),
    ])!;
    expect(p).to.include({ status: 'rejected', acceptedKg: 0, disposalDueAt: null });
  });

  it('refuses a history out of order (a broken or forged record)', () => {
    expect(() => project([ev(1, 'issue')])).to.throw(ProjectionError);
    expect(() => project([open, ev(2, 'load', { weightKg: 1 })])).to.throw(ProjectionError, /not a step from draft/);
    expect(() => project([open, open])).to.throw(ProjectionError);
    expect(() => applyEvent(project([open])!, ev(2, 'report_disposal'))).to.throw(ProjectionError);
  });

  it('names the fields where a row and its replay disagree', () => {
    const p = project([open, ev(2, 'issue')])!;
    expect(projectionMismatches({ ...p }, p)).to.deep.equal([]);
    expect(projectionMismatches({ ...p, declaredKg: 1, issuedAt: new Date(0) }, p)).to.deep.equal(['declaredKg', 'issuedAt']);
    // Objects compare by content, not key order (jsonb reorders keys).
    expect(projectionMismatches({ ...p, parties: {} }, { ...p, parties: {} as never })).to.deep.equal([]);
  });

  it('issue 14: an old open replays to the empty form; supplement merges fields; cancel ends a draft; old and new disposal reports', () => {
    const old = project([open])!;
    expect(old.paper).to.equal(null);
    expect(Object.values(old.form).every((v) => v === null)).to.equal(true);

    const withForm = project([
      { ...open, data: { ...open.data, form: { pickupAddress: '柯桥区 18 号', packageCount: 4 } } },
      ev(2, 'supplement', { form: { packageCount: 6, managementPlanRef: 'ZJ-1' } }),
    ])!;
    expect(withForm.form).to.include({ pickupAddress: '柯桥区 18 号', packageCount: 6, managementPlanRef: 'ZJ-1' });
    expect(withForm.status).to.equal('draft');

    const cancelled = project([open, ev(2, 'cancel', { reason: '车辆故障' })])!;
    expect(cancelled).to.include({ status: 'cancelled', cancelReason: '车辆故障', eventCount: 2 });
    expect(() => applyEvent(cancelled, ev(3, 'issue'))).to.throw(ProjectionError);
    expect(() => applyEvent(cancelled, ev(3, 'supplement', { form: {} }))).to.throw(ProjectionError);
    const issued = project([open, ev(2, 'issue')])!;
    expect(() => applyEvent(issued, ev(3, 'cancel', { reason: 'x' }))).to.throw(ProjectionError);

    const walked = [open, ev(2, 'issue'), ev(3, 'load', { weightKg: 10_000 }), ev(4, 'depart'), ev(5, 'arrive')];
    const received = ev(6, 'receive', { weightKg: 10_000, decision: 'accept', acceptedKg: 10_000 });
    const before = project([...walked, received, ev(7, 'report_disposal', { method: 'D10 焚烧', disposalDate: '2026-03-10' })])!;
    expect(before).to.include({ disposalMethod: 'D10 焚烧', disposalMethodCode: null });
    const after = project([
      ...walked,
      received,
      ev(7, 'report_disposal', { methodCode: 'R4', methodLabel: 'R4 再循环/再利用金属和金属化合物', disposalDate: '2026-03-10' }),
    ])!;
    expect(after).to.include({ disposalMethod: 'R4 再循环/再利用金属和金属化合物', disposalMethodCode: 'R4' });
  });
});
