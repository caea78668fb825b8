/** Which live events to an org room become notifications for its users (server/src/realtime/publish.ts). */
import { expect } from 'chai';
import { notificationsOf } from '../../server/src/realtime/publish.js';

const ORG = '7b0b3a4e-0d4c-4d8e-9a51-8f7f6b1c2d3e';
const OTHER = '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const TRADE = '11111111-2222-4333-8444-555555555555';

describe('notificationsOf: live events that concern an organisation', () => {
  it('a credit score move within the same level notifies nobody; a level change does', () => {
    expect(
      notificationsOf(ORG, 'credit.changed', { orgId: ORG, score: 71, level: 'blue', previousScore: 74, previousLevel: 'blue' }),
    ).to.deep.equal([]);
    expect(
      notificationsOf(ORG, 'credit.changed', { orgId: ORG, score: 71, level: 'blue', previousScore: null, previousLevel: null }),
    ).to.deep.equal([]);
    const [n] = notificationsOf(ORG, 'credit.changed', {
      orgId: ORG,
      score: 59,
      level: 'yellow',
      previousScore: 61,
      previousLevel: 'blue',
    });
    expect(n).to.deep.include({ kind: 'credit_level', subjectType: 'org', subjectId: ORG });
    expect(n!.data).to.deep.equal({ level: 'yellow', previousLevel: 'blue', score: 59 });
  });

  it('a trade awaiting payment is payment due for the payer only; funded is payment received', () => {
    const trade = { payerOrgId: ORG, amountFen: 100, materialCode: 'SW17-01', quantityKg: 1000 };
    expect(
      notificationsOf(ORG, 'trade.created', { tradeId: TRADE, status: 'awaiting_payment', trade }).map((n) => n.kind),
    ).to.deep.equal(['trade_created', 'payment_due']);
    expect(
      notificationsOf(OTHER, 'trade.created', { tradeId: TRADE, status: 'awaiting_payment', trade }).map((n) => n.kind),
    ).to.deep.equal(['trade_created']);
    expect(notificationsOf(ORG, 'trade.updated', { tradeId: TRADE, status: 'funded' }).map((n) => n.kind)).to.deep.equal([
      'payment_received',
    ]);
    expect(notificationsOf(ORG, 'trade.updated', { tradeId: TRADE, status: 'settled' }).map((n) => n.kind)).to.deep.equal([
      'trade_updated',
    ]);
  });

  it('a manifest step notifies the other parties, not the org that took it; a system step (overdue) notifies all', () => {
    const data = { manifestId: TRADE, tradeId: TRADE, status: 'in_transit', number: 'ZJ-1', event: 'load' };
    expect(notificationsOf(ORG, 'manifest.updated', { ...data, byOrgId: ORG })).to.deep.equal([]);
    expect(notificationsOf(OTHER, 'manifest.updated', { ...data, byOrgId: ORG }).map((n) => n.kind)).to.deep.equal([
      'manifest_step',
    ]);
    expect(
      notificationsOf(ORG, 'manifest.updated', { ...data, event: 'overdue', byOrgId: null }).map((n) => n.kind),
    ).to.deep.equal(['manifest_step']);
  });

  it('events that are not about an organisation (listings, markets, alerts) make none', () => {
    expect(notificationsOf(ORG, 'listing.updated', { listingId: TRADE })).to.deep.equal([]);
    expect(notificationsOf(ORG, 'market.trade', { market: 'PA01', pricePerTonneFen: 1, quantityKg: 1 })).to.deep.equal([]);
    expect(notificationsOf(ORG, 'notification.created', { notificationId: TRADE, kind: 'outbid' })).to.deep.equal([]);
  });
});
