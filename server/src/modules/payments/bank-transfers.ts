/** Use cases of bank transfers: the admin lists the ones to confirm and confirms one. */
import { recordAudit } from '../../db/audit.js';
import { inTransaction } from '../../db/tx.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { cursorInstant, cursorUuid, decodeCursor, encodeCursor, type TPage } from '../../../../shared/src/schemas/common.js';
import {
  type TBankTransfer,
  type TBankTransfersQuery,
  type TConfirmBankTransferRequest,
  type TPayment,
} from '../../../../shared/src/schemas/payments.js';
import type { UserActor } from '../../http/actor.js';
import { getTradeForUpdate } from '../trades/index.js';
import { tradeState } from './errors.js';
import * as repo from './repo.js';
import { type PaymentsDeps, receivingAccount, toPayment, type PaymentsKit } from './kit.js';

export function createBankTransfers(deps: PaymentsDeps, kit: PaymentsKit) {
  const { db } = deps;
  const { applyFunding } = kit;
  const useCases = {
    /** GET /payments/bank-transfers (admin): transfers to confirm, newest first. */
    async listBankTransfers(actor: UserActor, q: TBankTransfersQuery): Promise<TPage<TBankTransfer>> {
      if (!actor.roles.includes('admin')) throw new AppError(ErrorCodes.FORBIDDEN_ROLE, 'admins only');
      let before: { createdAt: Date; id: string } | undefined;
      if (q.cursor) {
        const c = decodeCursor(q.cursor);
        const at = cursorInstant(c?.[0]);
        const id = cursorUuid(c?.[1]);
        if (at === null || id === null)
          throw new AppError(ErrorCodes.VALIDATION_FAILED, 'invalid cursor', {
            fields: [{ path: 'cursor', message: 'invalid cursor' }],
          });
        before = { createdAt: new Date(at), id };
      }
      const found = await repo.bankTransfers(db, { status: q.status, before, limit: q.limit + 1 });
      const page = found.slice(0, q.limit);
      const last = page.at(-1)?.payment;
      return {
        items: page.map((r) => ({
          reference: r.payment.reference!,
          tradeId: r.payment.tradeId,
          payerOrgId: r.payment.payerOrgId,
          payerName: r.payerName,
          amountFen: r.payment.amountFen,
          status: r.payment.status,
          tradeStatus: r.tradeStatus,
          createdAt: r.payment.createdAt.toISOString(),
          confirmedAt: r.payment.confirmedAt?.toISOString() ?? null,
        })),
        nextCursor: found.length > q.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
      };
    },

    /** POST /payments/bank-transfers/:reference/confirm (admin, audited): the money is in; fund the trade. */
    async confirmBankTransfer(actor: UserActor, reference: string, body: TConfirmBankTransferRequest): Promise<TPayment> {
      if (!actor.roles.includes('admin')) throw new AppError(ErrorCodes.FORBIDDEN_ROLE, 'admins only');
      return inTransaction(db, async (tx) => {
        const found = await repo.paymentByReference(tx, reference);
        if (!found || found.provider !== 'bank_transfer')
          throw new AppError(ErrorCodes.NOT_FOUND, 'no bank transfer with this reference');
        const trade = (await getTradeForUpdate(tx, found.tradeId))!;
        const payment = (await repo.paymentById(tx, found.id, true))!;
        if (payment.status === 'succeeded')
          throw new AppError(ErrorCodes.INVALID_STATE, 'this bank transfer was confirmed already', {
            status: payment.status,
            allowed: ['pending'],
          });
        if (payment.status === 'canceled' || trade.status !== 'awaiting_payment')
          throw tradeState(
            trade.status,
            ['awaiting_payment'],
            `the trade is ${trade.status}; return the money to the payer instead`,
          );
        if (body.amountFen !== payment.amountFen)
          throw new AppError(
            ErrorCodes.VALIDATION_FAILED,
            `the payer owes ${payment.amountFen} fen; confirm only the full amount`,
            {
              fields: [{ path: 'amountFen', message: `expected ${payment.amountFen}` }],
            },
          );
        await applyFunding(tx, trade.id, { confirmedBy: actor.userId });
        await recordAudit(tx, actor, {
          action: 'payment.bank_transfer.confirmed',
          subjectType: 'trade',
          subjectId: trade.id,
          details: { reference, amountFen: payment.amountFen, payerOrgId: payment.payerOrgId, note: body.note ?? null },
        });
        const after = (await repo.paymentById(tx, payment.id))!;
        return toPayment(after, null, receivingAccount(deps.config));
      });
    },
  };

  return useCases;
}
