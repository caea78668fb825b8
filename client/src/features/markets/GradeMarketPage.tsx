import { lazy, Suspense, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { checkPrice } from '../../../../shared/src/pricecheck.js';
import { isDistrictCode, type DistrictCode } from '../../../../shared/src/districts.js';
import { Alert } from '../../components/Alert';
import { DistrictOptions } from '../../components/DistrictOptions';
import { FormField } from '../../components/FormField';
import { FormActions } from '../../components/FormActions';
import { useI18n } from '../../i18n';
import { formatPricePerTonne } from '../../lib/money';
import { formatDateTime, formatTonnes, kgAsTonnesInput, tonnesToKg, yuanToFen } from '../../lib/units';
import { mapFieldErrors } from '../auth/fieldErrors';
import { useSession } from '../auth/session';
import { useMaterials } from '../catalog/materials';
import { listingKeys, pricesApi } from '../listings/api';
import { tradingProblem, type TradingProblem } from '../listings/errors';
import { JustificationField, TonnesField } from '../listings/components/OfferFields';
import { LiveBadge } from '../listings/components/LiveBadge';
import { PriceCheckFeedback, ServerPriceCheck } from '../listings/components/PriceCheckFeedback';
import { PriceInput, draftToFen, priceDraftProblem, type PriceDraft } from '../listings/components/PriceInput';
import { ProblemAlert } from '../listings/components/ProblemAlert';
import { useLive } from '../realtime/LiveFeed';
import {
  useCancelOrder,
  useMarketBook,
  useUnwatch,
  useWatch,
  useWatches,
  useMyOrders,
  usePlaceOrder,
  usePrints,
  type MarketBook,
  type Order,
  type Print,
} from './api';
import { useMarketsText, type MarketsT } from './messages';
import './markets.css';

// ECharts is loaded on this page only, and only when the chart is shown.
const PriceChart = lazy(() => import('./PriceChart'));

const PATHS = ['side', 'pricePerTonneFen', 'quantityKg', 'district', 'justification'] as const;

/**
 * A standardised grade's continuous market (issue 16): the depth ladder, a chart and the list of
 * recent prints, order entry with the live price check, and the caller's open orders. Every view
 * refetches on the market room's live events (realtime/liveKeys.ts), so a print shows without reload.
 */
export function GradeMarketPage() {
  const { code = '' } = useParams();
  const { t, lang } = useI18n();
  const mt = useMarketsText();
  const { session } = useSession();
  const me = session.status === 'signedIn' ? session.me : null;
  const material = useMaterials().get(code);
  const book = useMarketBook(code);
  const prints = usePrints(code);
  const liveStatus = useLive({ subscribe: { market: code } });
  const name = material ? (lang === 'en' ? material.nameEn : material.nameZh) : code;

  return (
    <div className="page market-grade" data-testid="grade-market-page">
      <p>
        <Link to="/market">{mt('back')}</Link>
      </p>
      <header className="page__header">
        <h1>{mt('title', { name })}</h1>
        <LiveBadge status={liveStatus} />
      </header>
      <p className="page__lead">{mt('intro')}</p>
      {book.data && (
        <p className="muted small" data-testid="market-terms">
          {mt('terms', { lot: formatTonnes(book.data.minLotKg, lang), tick: formatPricePerTonne(book.data.priceTickFen, lang) })}
        </p>
      )}
      {book.isError && <Alert tone="error">{t('common.errorPrefix') + String(book.error?.message ?? '')}</Alert>}
      <div className="market-grade__grid">
        <section aria-labelledby="book-title" className="card">
          <h2 id="book-title">{mt('book.title')}</h2>
          {book.data ? <DepthLadder book={book.data} mt={mt} /> : <p className="muted">{t('common.loading')}</p>}
        </section>
        <section aria-labelledby="prints-title" className="card">
          <h2 id="prints-title">{mt('prints.title')}</h2>
          {prints.data && prints.data.items.length > 1 && (
            <Suspense fallback={<p className="muted small">{mt('chart.loading')}</p>}>
              <PriceChart prints={prints.data.items} label={mt('chart.label')} />
            </Suspense>
          )}
          <PrintsList prints={prints.data?.items} mt={mt} />
        </section>
        <section aria-labelledby="order-form-title" className="card">
          {me && book.data && material ? (
            <OrderForm code={code} book={book.data} usualDirection={material.usualDirection} />
          ) : (
            <>
              <h2 id="order-form-title">{mt('form.title')}</h2>
              <p className="muted">{me ? t('common.loading') : mt('form.signIn')}</p>
            </>
          )}
        </section>
        {me && (
          <section aria-labelledby="mine-title" className="card">
            <h2 id="mine-title">{mt('mine.title')}</h2>
            <MyOrders code={code} />
          </section>
        )}
        {me && (
          <section aria-labelledby="watch-title" className="card">
            <h2 id="watch-title">{mt('watch.title')}</h2>
            <p className="muted small">{mt('watch.intro')}</p>
            <Watches code={code} />
          </section>
        )}
      </div>
    </div>
  );
}

function DepthLadder({ book, mt }: { book: MarketBook; mt: MarketsT }) {
  const { lang } = useI18n();
  if (!book.bids.length && !book.asks.length) return <p className="muted">{mt('book.empty')}</p>;
  const row = (side: 'ask' | 'bid') => (l: MarketBook['bids'][number]) => (
    <tr key={`${side}${l.pricePerTonneFen}`} className={`depth__row depth__row--${side}`} data-testid={`depth-${side}`}>
      <td className="num">{formatPricePerTonne(l.pricePerTonneFen, lang)}</td>
      <td className="num">{formatTonnes(l.quantityKg, lang)}</td>
      <td className="num">{l.orders}</td>
    </tr>
  );
  return (
    <table className="table depth" data-testid="depth-ladder">
      <thead>
        <tr>
          <th scope="col">{mt('book.price')}</th>
          <th scope="col" className="num">
            {mt('book.quantity')}
          </th>
          <th scope="col" className="num">
            {mt('book.orders')}
          </th>
        </tr>
      </thead>
      <tbody aria-label={mt('book.asks')}>{[...book.asks].reverse().map(row('ask'))}</tbody>
      <tbody aria-label={mt('book.bids')}>{book.bids.map(row('bid'))}</tbody>
    </table>
  );
}

function PrintsList({ prints, mt }: { prints: Print[] | undefined; mt: MarketsT }) {
  const { lang } = useI18n();
  if (!prints) return null;
  if (!prints.length) return <p className="muted">{mt('prints.empty')}</p>;
  return (
    <table className="table prints" data-testid="prints">
      <thead>
        <tr>
          <th scope="col">{mt('prints.time')}</th>
          <th scope="col">{mt('book.price')}</th>
          <th scope="col" className="num">
            {mt('book.quantity')}
          </th>
          <th scope="col">{mt('prints.side')}</th>
        </tr>
      </thead>
      <tbody>
        {prints.slice(0, 20).map((p) => (
          <tr key={p.id} data-testid="print-row" data-price={p.pricePerTonneFen}>
            <td>{formatDateTime(p.at, lang)}</td>
            <td>{formatPricePerTonne(p.pricePerTonneFen, lang)}</td>
            <td className="num">{formatTonnes(p.quantityKg, lang)}</td>
            <td>{mt(p.takerSide === 'buy' ? 'side.buy' : 'side.sell')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OrderForm({
  code,
  book,
  usualDirection,
}: {
  code: string;
  book: MarketBook;
  usualDirection: 'fee' | 'price' | 'either';
}) {
  const { t, lang } = useI18n();
  const mt = useMarketsText();
  const { session } = useSession();
  const me = session.me;
  const roles = me?.roles ?? [];
  const sides = (['sell', 'buy'] as const).filter((s) => roles.includes(s === 'sell' ? 'generator' : 'recycler'));
  const [side, setSide] = useState<'buy' | 'sell'>(sides[0] ?? 'sell');
  const [price, setPrice] = useState<PriceDraft>({ direction: usualDirection === 'fee' ? 'fee' : 'paid', amount: '' });
  const [quantity, setQuantity] = useState(() => kgAsTonnesInput(book.minLotKg));
  const home = me?.org?.district ?? '';
  const [district, setDistrict] = useState<DistrictCode | ''>(isDistrictCode(home) ? home : '');
  const [justification, setJustification] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<TradingProblem | null>(null);
  const [placed, setPlaced] = useState<Order | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const placeOrder = usePlaceOrder();
  const bandQuery = useQuery({
    queryKey: listingKeys.reference(code),
    queryFn: ({ signal }) => pricesApi.reference(code, signal),
  });
  const band = bandQuery.isError ? null : bandQuery.data;

  if (!sides.length)
    return (
      <>
        <h2 id="order-form-title">{mt('form.title')}</h2>
        <p className="muted">{mt('form.noRole')}</p>
      </>
    );

  const fen = draftToFen(price);
  const live =
    fen !== null && !priceDraftProblem(price, t) && band !== undefined ? checkPrice(fen, band, { usualDirection }) : undefined;
  const needsJustification = live?.status === 'flagged' || problem?.code === 'JUSTIFICATION_REQUIRED';

  function localErrors(): Record<string, string> {
    const e: Record<string, string> = {};
    const priceProblem = priceDraftProblem(price, t);
    if (!price.amount.trim()) e.pricePerTonneFen = t('common.required');
    else if (priceProblem) e.pricePerTonneFen = priceProblem;
    else if (live?.status === 'rejected') e.pricePerTonneFen = t('bid.priceRejected');
    else if (fen !== null && fen % book.priceTickFen !== 0)
      e.pricePerTonneFen = mt('form.price.tick', { tick: formatPricePerTonne(book.priceTickFen, lang) });
    const kg = tonnesToKg(quantity);
    if (!quantity.trim()) e.quantityKg = t('common.required');
    else if (kg === null || kg === 0) e.quantityKg = t('quantity.invalid');
    else if (kg % book.minLotKg !== 0) e.quantityKg = mt('form.quantity.lots', { lot: formatTonnes(book.minLotKg, lang) });
    if (!district) e.district = t('common.required');
    if (needsJustification && !justification.trim()) e.justification = t('justification.required');
    return e;
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    setPlaced(null);
    const local = localErrors();
    setErrors(local);
    if (Object.keys(local).length || fen === null || !district) return;
    setSubmitting(true);
    try {
      const order = await placeOrder.mutateAsync({
        code,
        body: {
          side,
          pricePerTonneFen: fen,
          quantityKg: tonnesToKg(quantity)!,
          district,
          ...(needsJustification && justification.trim() ? { justification: justification.trim() } : {}),
        },
      });
      setPlaced(order);
      setJustification('');
    } catch (err) {
      setErrors(mapFieldErrors(err, PATHS, t).byPath);
      setProblem(tradingProblem(err, t, lang));
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <form className="form" onSubmit={onSubmit} noValidate data-testid="order-form" aria-labelledby="order-form-title">
      <h2 id="order-form-title">{mt('form.title')}</h2>
      {problem && <ProblemAlert problem={problem} testId="order-error" />}
      {placed && (
        <Alert tone="info" testId="order-result">
          {mt('result.filled', { filled: formatTonnes(placed.filledKg, lang), resting: formatTonnes(placed.remainingKg, lang) })}
          {placed.cancelledKg > 0 && placed.status === 'cancelled' && (
            <> {mt('result.cancelled', { cancelled: formatTonnes(placed.cancelledKg, lang) })}</>
          )}
          {placed.tradeIds.length > 0 && (
            <>
              {' '}
              <Link to="/trades" data-testid="order-trades-link">
                {mt('result.trades')}
              </Link>
            </>
          )}
        </Alert>
      )}
      <FormField id="order-side" label={mt('form.side')} error={errors.side} required>
        {(control) => (
          <select
            {...control}
            className="input"
            value={side}
            onChange={(e) => setSide(e.target.value as 'buy' | 'sell')}
            data-testid="order-side"
          >
            {sides.map((s) => (
              <option key={s} value={s}>
                {mt(s === 'buy' ? 'form.side.buy' : 'form.side.sell')}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <PriceInput
        id="order-price"
        testId="order-price"
        value={price}
        onChange={(next) => {
          setPrice(next);
          if (problem?.priceCheck) setProblem(null);
        }}
        label={mt('form.price')}
        usualDirection={usualDirection}
        error={errors.pricePerTonneFen}
        feedback={
          <>
            <PriceCheckFeedback check={live} bandLoading={band === undefined && fen !== null} />
            {problem?.priceCheck && <ServerPriceCheck check={problem.priceCheck} testId="server-price-check" />}
          </>
        }
      />
      {needsJustification && (
        <JustificationField
          id="order-justification"
          value={justification}
          onChange={setJustification}
          error={errors.justification}
          testId="order-justification"
        />
      )}
      <TonnesField
        id="order-quantity"
        label={mt('form.quantity')}
        hint={mt('form.quantity.hint', { lot: formatTonnes(book.minLotKg, lang) })}
        value={quantity}
        onChange={setQuantity}
        error={errors.quantityKg}
        required
        testId="order-quantity"
      />
      <FormField id="order-district" label={mt('form.district')} hint={mt('form.district.hint')} error={errors.district} required>
        {(control) => (
          <select
            {...control}
            className="input"
            value={district}
            onChange={(e) => setDistrict(e.target.value as DistrictCode | '')}
            data-testid="order-district"
          >
            <option value="">{t('field.district.choose')}</option>
            <DistrictOptions />
          </select>
        )}
      </FormField>
      <FormActions submitting={submitting} label={mt('form.submit')} testId="order-submit" />
    </form>
  );
}

function MyOrders({ code }: { code: string }) {
  const { lang } = useI18n();
  const mt = useMarketsText();
  const orders = useMyOrders(code, true);
  const cancel = useCancelOrder();
  if (!orders.data) return null;
  if (!orders.data.items.length) return <p className="muted">{mt('mine.empty')}</p>;
  return (
    <ul className="my-orders" data-testid="my-orders">
      {orders.data.items.map((o) => (
        <li key={o.id} className="my-orders__item" data-testid="my-order">
          <span>
            {mt(o.side === 'buy' ? 'side.buy' : 'side.sell')} · {formatPricePerTonne(o.pricePerTonneFen, lang)}
          </span>
          <span className="muted small">
            {mt('mine.remaining')} {formatTonnes(o.remainingKg, lang)} · {mt('mine.filled')} {formatTonnes(o.filledKg, lang)}
          </span>
          <button
            type="button"
            className="btn btn--small"
            disabled={cancel.isPending}
            onClick={() => cancel.mutate({ code, id: o.id })}
            data-testid="my-order-cancel"
          >
            {mt('mine.cancel')}
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The caller's watches of this grade, and a form to add one with an optional highest price. */
function Watches({ code }: { code: string }) {
  const { lang } = useI18n();
  const mt = useMarketsText();
  const watches = useWatches(true);
  const watch = useWatch();
  const unwatch = useUnwatch();
  const [max, setMax] = useState('');
  const mine = (watches.data?.items ?? []).filter((w) => w.materialCode === code);
  const maxFen = yuanToFen(max);
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    await watch.mutateAsync({ materialCode: code, ...(max.trim() && maxFen !== null ? { maxPricePerTonneFen: maxFen } : {}) });
    setMax('');
  }
  return (
    <>
      {mine.length > 0 && (
        <ul className="my-orders" data-testid="watches">
          {mine.map((w) => (
            <li key={w.id} className="my-orders__item">
              <span>
                {w.maxPricePerTonneFen === null
                  ? mt('watch.any')
                  : mt('watch.upTo', { price: formatPricePerTonne(w.maxPricePerTonneFen, lang) })}
              </span>
              <button type="button" className="btn btn--small" onClick={() => unwatch.mutate(w.id)} data-testid="unwatch">
                {mt('watch.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="form" onSubmit={onSubmit} noValidate>
        <FormField id="watch-max" label={mt('watch.max')}>
          {(control) => (
            <input
              {...control}
              className="input"
              inputMode="decimal"
              value={max}
              onChange={(e) => setMax(e.target.value)}
              data-testid="watch-max"
            />
          )}
        </FormField>
        <FormActions submitting={watch.isPending} label={mt('watch.add')} testId="watch-add" />
      </form>
    </>
  );
}
