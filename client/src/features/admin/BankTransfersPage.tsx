import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Alert } from '../../components/Alert';
import { PagedListError, PagedListFooter } from '../../components/PagedListChrome';
import { Tabs } from '../../components/Tabs';
import { useI18n } from '../../i18n';
import { errorText } from '../../lib/errors';
import { formatAmount, formatDateTime, yuanToFen } from '../../lib/units';
import { usePagedQuery } from '../../lib/query';
import { usePaymentsText } from '../payments/messages';
import { adminApi, adminKeys, useConfirmBankTransfer, type BankTransfer } from './api';
import { RequireAdmin } from './RequireAdmin';

export function BankTransfersPage() {
  return <RequireAdmin>{() => <BankTransfers />}</RequireAdmin>;
}

/** Tabs over the admin's money pages. */
export function AdminMoneyTabs() {
  const pt = usePaymentsText();
  return (
    <Tabs
      label={pt('admin.nav.balances')}
      tabs={[
        { to: '/admin/bank-transfers', label: pt('admin.nav.bankTransfers'), testId: 'tab-bank-transfers' },
        { to: '/admin/balances', label: pt('admin.nav.balances'), testId: 'tab-balances' },
      ]}
    />
  );
}

function BankTransfers() {
  const { lang } = useI18n();
  const pt = usePaymentsText();
  const [status, setStatus] = useState<'pending' | 'succeeded'>('pending');
  const list = usePagedQuery<BankTransfer>({
    queryKey: adminKeys.bankTransfers(status),
    label: status,
    fetchPage: (cursor, signal) => adminApi.bankTransfers(status, cursor, signal),
  });
  const [done, setDone] = useState<string | null>(null);

  return (
    <div className="page" data-testid="admin-bank-transfers">
      <AdminMoneyTabs />
      <h1>{pt('admin.bank.title')}</h1>
      <p className="muted">{pt('admin.bank.intro')}</p>
      <div className="tabs" role="group">
        {(['pending', 'succeeded'] as const).map((s) => (
          <button
            key={s}
            type="button"
            className={`btn btn--small ${s === status ? 'btn--primary' : 'btn--secondary'}`}
            aria-pressed={s === status}
            onClick={() => setStatus(s)}
            data-testid={`filter-${s}`}
          >
            {pt(`admin.bank.filter.${s}`)}
          </button>
        ))}
      </div>
      {done && (
        <Alert tone="info" testId="bank-confirmed">
          {pt('admin.bank.confirmed', { reference: done })}
        </Alert>
      )}
      <ConfirmByReference
        onConfirmed={(reference) => {
          setDone(reference);
        }}
      />
      <PagedListError state={list.state} onRetry={list.reload} />
      {list.state.status !== 'loading' && list.state.items.length === 0 && list.state.status !== 'error' && (
        <p data-testid="bank-empty">{pt('admin.bank.empty')}</p>
      )}
      {list.state.items.length > 0 && (
        <table className="table" data-testid="bank-table">
          <thead>
            <tr>
              <th>{pt('admin.bank.col.reference')}</th>
              <th>{pt('admin.bank.col.payer')}</th>
              <th className="num">{pt('admin.bank.col.amount')}</th>
              <th>{pt('admin.bank.col.trade')}</th>
              <th>{pt('admin.bank.col.created')}</th>
              <th>{pt('admin.bank.col.action')}</th>
            </tr>
          </thead>
          <tbody>
            {list.state.items.map((b) => (
              <tr key={b.reference} data-testid="bank-row" data-reference={b.reference}>
                <td data-label={pt('admin.bank.col.reference')}>
                  <code className="code">{b.reference}</code>
                </td>
                <td data-label={pt('admin.bank.col.payer')}>{b.payerName}</td>
                <td data-label={pt('admin.bank.col.amount')} className="num">
                  <span className="amount">{formatAmount(b.amountFen)}</span>
                </td>
                <td data-label={pt('admin.bank.col.trade')}>
                  <Link to={`/trades/${b.tradeId}`} className="code small">
                    {b.tradeId.slice(0, 8)}
                  </Link>{' '}
                  <span className="muted small">{b.tradeStatus}</span>
                </td>
                <td data-label={pt('admin.bank.col.created')}>{formatDateTime(b.confirmedAt ?? b.createdAt, lang)}</td>
                <td data-label={pt('admin.bank.col.action')}>
                  {b.status === 'pending' && b.tradeStatus === 'awaiting_payment' ? (
                    <ConfirmRow transfer={b} onConfirmed={() => setDone(b.reference)} />
                  ) : (
                    <span className="muted">{pt(`pay.status.${b.status}`)}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <PagedListFooter state={list.state} busy={list.state.status === 'loading'} onMore={() => list.loadMore()} />
    </div>
  );
}

/** The amount received is typed, not prefilled: a mismatch with what the payer owes is refused. */
function ConfirmRow({ transfer, onConfirmed }: { transfer: BankTransfer; onConfirmed(): void }) {
  const { t } = useI18n();
  const pt = usePaymentsText();
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fen = yuanToFen(amount);

  const confirmTransfer = useConfirmBankTransfer();
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (fen === null) return;
    setBusy(true);
    setError(null);
    try {
      await confirmTransfer.mutateAsync({ reference: transfer.reference, amountFen: fen, note: note.trim() || undefined });
      onConfirmed();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="input-group" data-testid="bank-confirm-form">
      <input
        className="input"
        inputMode="decimal"
        aria-label={pt('admin.bank.amount')}
        placeholder={pt('admin.bank.amount')}
        value={amount}
        onChange={(e) => setAmount(e.target.value)}
        data-testid="bank-amount"
      />
      <input
        className="input"
        aria-label={pt('admin.bank.note')}
        placeholder={pt('admin.bank.note')}
        value={note}
        onChange={(e) => setNote(e.target.value)}
        maxLength={500}
      />
      <button type="submit" className="btn btn--primary btn--small" disabled={busy || fen === null} data-testid="bank-confirm">
        {pt('admin.bank.confirm')}
      </button>
      {error != null && (
        <span className="field__error" role="alert">
          {errorText(error, t)}
        </span>
      )}
    </form>
  );
}

function ConfirmByReference({ onConfirmed }: { onConfirmed(reference: string): void }) {
  const { t } = useI18n();
  const pt = usePaymentsText();
  const [reference, setReference] = useState('');
  const [amount, setAmount] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fen = yuanToFen(amount);

  const confirmTransfer = useConfirmBankTransfer();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const ref = reference.trim().toUpperCase();
    if (!ref || fen === null) return;
    setBusy(true);
    setError(null);
    try {
      await confirmTransfer.mutateAsync({ reference: ref, amountFen: fen });
      setReference('');
      setAmount('');
      onConfirmed(ref);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card input-group" onSubmit={(e) => void submit(e)} data-testid="bank-lookup">
      <strong>{pt('admin.bank.lookup')}</strong>{' '}
      <input
        className="input"
        aria-label={pt('admin.bank.col.reference')}
        placeholder={pt('admin.bank.lookup.placeholder')}
        value={reference}
        onChange={(e) => setReference(e.target.value)}
      />
      <input
        className="input"
        inputMode="decimal"
        aria-label={pt('admin.bank.amount')}
        placeholder={pt('admin.bank.amount')}
        value={amount}
        onChange={(e) => setAmount(e.target.value)}
      />
      <button type="submit" className="btn btn--secondary btn--small" disabled={busy || !reference.trim() || fen === null}>
        {pt('admin.bank.confirm')}
      </button>
      {error != null && (
        <span className="field__error" role="alert">
          {errorText(error, t)}
        </span>
      )}
    </form>
  );
}
