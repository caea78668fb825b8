import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { auth, createRegulator } from '../helpers/actors.js';
import {
  adminActor,
  balance,
  deliver,
  drainJobs,
  expectLedgerInvariants,
  makeParties,
  makeTrade,
  pay,
  tradeStatus,
  transfersOfTrade,
  type Parties,
} from '../helpers/settlement.js';
import { one, rows } from '../../server/src/db/tx.js';
import { Accounts } from '../../server/src/modules/ledger/service.js';
import { isValidBankReference } from '../../server/src/modules/payments/reference.js';

describe('bank transfers: a reference for the payer, receipt confirmed by an admin', () => {
  let t: TestApp;
  let p: Parties;
  let admin: string;

  before(async () => {
    t = await createTestApp();
    p = await makeParties(t.request);
    admin = (await adminActor(t)).token;
  });
  after(async () => {
    if (t) await expectLedgerInvariants(t, { tryWrites: true });
    await t?.close();
  });

  const confirm = (reference: string, body: Record<string, unknown>, token = admin) =>
    t.request.post(`/api/v1/payments/bank-transfers/${reference}/confirm`).set(auth(token)).send(body);

  async function bankTrade(kg = 10_000, price = 258_500) {
    const trade = await makeTrade(t, p, { pricePerTonneFen: price, quantityKg: kg });
    const res = await pay(t.request, p.recycler, trade.id, { provider: 'bank_transfer' });
    expect(res.status, res.text).to.equal(200);
    return { trade, reference: res.body.reference as string, amountFen: res.body.amountFen as number };
  }

  it('paying by bank transfer gives a reference with check digits and the amount; the trade waits', async () => {
    const { trade, reference, amountFen } = await bankTrade();
    expect(reference).to.match(/^ZWX\d{10,}$/);
    expect(isValidBankReference(reference)).to.equal(true);
    expect(amountFen).to.equal(2_585_000);
    expect(await tradeStatus(t, trade.id)).to.equal('awaiting_payment');
    const again = await pay(t.request, p.recycler, trade.id).expect(200);
    expect(again.body).to.deep.include({ provider: 'bank_transfer', reference, status: 'pending' });
    const seen = await t.request.get(`/api/v1/trades/${trade.id}/payment`).set(auth(p.recycler.token)).expect(200);
    expect(seen.body.payment).to.deep.include({ provider: 'bank_transfer', reference, status: 'pending', demo: false });
  });

  it('the admin sees pending transfers with the payer’s name, newest first', async () => {
    const { reference } = await bankTrade(1_000);
    const res = await t.request.get('/api/v1/payments/bank-transfers?status=pending').set(auth(admin)).expect(200);
    const item = res.body.items.find((x: { reference: string }) => x.reference === reference);
    expect(item).to.deep.include({
      status: 'pending',
      payerOrgId: p.recycler.orgId,
      payerName: p.recycler.org.name,
      tradeStatus: 'awaiting_payment',
    });
  });

  it('only an admin confirms: a generator, the payer and a regulator get 403 FORBIDDEN_ROLE', async () => {
    const { trade, reference, amountFen } = await bankTrade(1_500);
    const regulator = await createRegulator(t.request, 'city', admin);
    for (const who of [p.generator.token, p.recycler.token, regulator.token]) {
      const res = await confirm(reference, { amountFen }, who);
      expect([res.status, res.body.error.code]).to.deep.equal([403, 'FORBIDDEN_ROLE']);
    }
    expect(await tradeStatus(t, trade.id)).to.equal('awaiting_payment');
  });

  it('a mistyped reference is not found; a wrong amount is refused naming amountFen; neither funds anything', async () => {
    const { trade, reference, amountFen } = await bankTrade(2_000);
    const typo = reference.slice(0, -3) + ((Number(reference.at(-3)) + 1) % 10) + reference.slice(-2);
    expect((await confirm(typo, { amountFen })).status).to.equal(404);
    const wrong = await confirm(reference, { amountFen: amountFen - 1 });
    expect(wrong.status).to.equal(400);
    expect(wrong.body.error.details.fields[0].path).to.equal('amountFen');
    expect(await tradeStatus(t, trade.id)).to.equal('awaiting_payment');
    expect(await transfersOfTrade(t, trade.id)).to.deep.equal([]);
  });

  it('confirming the full amount funds the trade, posts the transfer and writes an audit record naming the admin', async () => {
    const { trade, reference, amountFen } = await bankTrade(3_000);
    const { actor } = await adminActor(t);
    const res = await confirm(reference, { amountFen, note: 'ICBC statement 2026-11-28 line 14' });
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.deep.include({ status: 'succeeded', reference, provider: 'bank_transfer' });
    expect(res.body.confirmedAt).to.be.a('string');
    expect(await tradeStatus(t, trade.id)).to.equal('funded');
    expect(await transfersOfTrade(t, trade.id)).to.deep.equal([
      {
        operation_id: `trade:${trade.id}:fund`,
        kind: 'fund',
        entries: { [Accounts.clearing('bank_transfer')]: -amountFen, [Accounts.escrow(p.recycler.orgId)]: amountFen },
      },
    ]);
    const audit = await rows<{ actor_user_id: string; action: string; details: { reference: string; note: string } }>(
      t.ctx.db,
      sql`select actor_user_id, action, details from audit_log where subject_type = 'trade' and subject_id = ${trade.id}`,
    );
    expect(audit).to.have.length(1);
    expect(audit[0]).to.deep.include({ actor_user_id: actor.userId, action: 'payment.bank_transfer.confirmed' });
    expect(audit[0]!.details).to.deep.include({ reference, note: 'ICBC statement 2026-11-28 line 14' });
  });

  it('a second confirmation is 409 and changes nothing; two at once confirm once', async () => {
    const a = await bankTrade(3_500);
    await confirm(a.reference, { amountFen: a.amountFen }).expect(200);
    const again = await confirm(a.reference, { amountFen: a.amountFen });
    expect([again.status, again.body.error.code]).to.deep.equal([409, 'INVALID_STATE']);

    const b = await bankTrade(3_700);
    const both = await Promise.all([
      confirm(b.reference, { amountFen: b.amountFen }),
      confirm(b.reference, { amountFen: b.amountFen }),
    ]);
    expect(both.map((r) => r.status).sort()).to.deep.equal([200, 409]);
    expect(await transfersOfTrade(t, b.trade.id)).to.have.length(1);
    const audits = await one<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from audit_log where subject_id = ${b.trade.id}`,
    );
    expect(audits!.n).to.equal(1);
  });

  it('the reference of a cancelled trade cannot be confirmed: the money goes back to the payer instead', async () => {
    const { trade, reference, amountFen } = await bankTrade(4_000);
    await t.request.post(`/api/v1/trades/${trade.id}/cancel`).set(auth(p.recycler.token)).send({}).expect(200);
    const res = await confirm(reference, { amountFen });
    expect(res.status).to.equal(409);
    expect(await transfersOfTrade(t, trade.id)).to.deep.equal([]);
  });

  it('at settlement the remainder of a bank-funded trade is owed to the payer (its payable), paid back offline', async () => {
    const { trade, reference, amountFen } = await bankTrade(10_000, 258_500);
    await confirm(reference, { amountFen }).expect(200);
    const before = await balance(t, Accounts.payable(p.recycler.orgId));
    await deliver(t, trade.id, 8_000);
    await drainJobs(t);
    expect(await tradeStatus(t, trade.id)).to.equal('settled');
    const settle = (await transfersOfTrade(t, trade.id)).find((x) => x.kind === 'settle')!;
    expect(settle.entries[Accounts.payable(p.recycler.orgId)]).to.equal(2_585_000 - 2_068_000);
    expect(await balance(t, Accounts.payable(p.recycler.orgId))).to.equal(before + 517_000);
  });
});
