import { useEffect, useState } from 'react';
import { EditListingForm } from './components/EditListingForm';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation, useParams } from 'react-router';
import { Alert } from '../../components/Alert';
import { Badge } from '../../components/Badge';
import { CreditChip } from '../../components/CreditChip';
import { LoadError } from '../../components/LoadError';
import { PriceBandBar, bandSourceText } from '../../components/PriceBandBar';
import { useI18n } from '../../i18n';
import { ApiError } from '../../lib/api';
import { formatDateTime, formatTonnes } from '../../lib/units';
import { useSession } from '../auth/session';
import { useLive } from '../realtime/LiveFeed';
import { DocumentsPanel } from '../documents/DocumentsPanel';
import { FallbackPanel } from '../collection/FallbackPanel';
import {
  listingKeys,
  listingsApi,
  pricesApi,
  useCancelListing,
  type Bid,
  type Listing,
  type ListingBids,
  type ReferenceBand,
} from './api';
import { AnalysisView, HazardView } from './components/AnalysisView';
import { BidForm, BidResult } from './components/BidForm';
import { Countdown } from './components/Countdown';
import { HazardBadge, ListingStatusBadge, ModeLabel, Price, SideBadge } from './components/ListingBits';
import { LiveBadge } from './components/LiveBadge';
import { PriceCheckBadge, PriceCheckFeedback } from './components/PriceCheckFeedback';
import { ProblemAlert } from './components/ProblemAlert';
import { tradingProblem, type TradingProblem } from './errors';
import { districtName, formatDeviation, listingMaterialName, tk } from './labels';

export function ListingPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { session } = useSession();
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: listingKeys.detail(id), queryFn: ({ signal }) => listingsApi.get(id, signal) });
  // A listing on the page stays there when a reload fails, unless it is gone (404).
  const gone = query.error instanceof ApiError && query.error.status === 404;
  const listing = gone ? null : (query.data ?? null);
  const me = session.status === 'signedIn' ? session.me : null;
  const isOwner = !!listing && !!me?.org && listing.orgId === me.org.id;
  const materialCode = listing?.materialCode;

  const bandQuery = useQuery({
    queryKey: listingKeys.reference(materialCode ?? ''),
    queryFn: ({ signal }) => pricesApi.reference(materialCode!, signal),
    enabled: !!materialCode,
  });
  const band: ReferenceBand | null | undefined = bandQuery.isError ? null : bandQuery.data;

  // The owner and bidders see the bids (sealed on an open auction); others get NOT_A_PARTY, kept quiet.
  // After one NOT_A_PARTY it stops asking, until this user places a bid.
  const [mayReadBids, setMayReadBids] = useState(true);
  const bidsQuery = useQuery({
    queryKey: listingKeys.bids(listing?.id ?? id),
    queryFn: ({ signal }) => listingsApi.bids(listing!.id, signal),
    enabled: !!me?.org && !!listing && (isOwner || mayReadBids),
  });
  const bids: ListingBids | null = bidsQuery.isError ? null : (bidsQuery.data ?? null);
  const notAParty = bidsQuery.error instanceof ApiError && bidsQuery.error.code === 'NOT_A_PARTY';
  useEffect(() => {
    if (notAParty) setMayReadBids(false);
  }, [notAParty]);

  // Joins the listing's room: its events refetch the listing and its bids (realtime/invalidation.ts).
  const liveStatus = useLive({ subscribe: listing ? { listingId: listing.id } : null });

  // The bid's mutation refetches the listing and its bids (usePlaceBid); a bidder may now read them.
  function onPlaced(_bid: Bid) {
    setMayReadBids(true);
  }

  const onChanged = (next: Listing) => queryClient.setQueryData(listingKeys.detail(id), next);

  return (
    <div className="page" data-testid="listing-page">
      <p className="back-link">
        <Link to="/market">← {t('listing.back')}</Link>
      </p>
      {query.isPending && <p role="status">{t('common.loading')}</p>}
      {query.isError && !listing && (
        <LoadError error={query.error} reload={() => void query.refetch()} notFound={<Alert>{t('listing.notFound')}</Alert>} />
      )}
      {listing && (
        <ListingDetail
          listing={listing}
          band={band}
          bids={bids}
          isOwner={isOwner}
          liveStatus={liveStatus}
          onPlaced={onPlaced}
          onChanged={onChanged}
        />
      )}
      {listing && me && (
        <DocumentsPanel
          subjectType="listing"
          subjectId={listing.id}
          kinds={['lab_report']}
          canUpload={isOwner}
          title={t('documents.listing.title')}
        />
      )}
    </div>
  );
}

interface DetailProps {
  listing: Listing;
  band: ReferenceBand | null | undefined;
  bids: ListingBids | null;
  isOwner: boolean;
  liveStatus: ReturnType<typeof useLive>;
  onPlaced(bid: Bid): void;
  onChanged(listing: Listing): void;
}

function ListingDetail({ listing: l, band, bids, isOwner, liveStatus, onPlaced, onChanged }: DetailProps) {
  const { t, lang } = useI18n();
  const [closed, setClosed] = useState(() => l.mode === 'auction' && !!l.closesAt && Date.parse(l.closesAt) <= Date.now());
  const sealed = l.mode === 'auction' && l.status === 'open';

  return (
    <article className="listing" data-testid="listing-detail" data-id={l.id} data-status={l.status}>
      <header className="listing__header">
        <div className="listing__code">
          <span className="code" data-testid="listing-code">
            {l.materialCode}
          </span>
          {l.classifiedCode && (
            <span className="code muted" data-testid="listing-classified-code">
              {' '}
              · {t('listing.classifiedCode')} {l.classifiedCode}
            </span>
          )}
        </div>
        <h1 data-testid="listing-title">{listingMaterialName(l, lang)}</h1>
        <div className="badges">
          <SideBadge side={l.side} />
          <ListingStatusBadge status={l.status} />
          <HazardBadge hazardous={l.hazardous} />
          <PriceCheckBadge check={l.priceCheck} />
          {isOwner && <Badge tone="neutral">{t('listing.yours')}</Badge>}
          {l.ownerCreditLevel && (
            <Link
              to={`/credit/${l.orgId}`}
              className="credit-link"
              title={t('listing.ownerCredit')}
              data-testid="listing-owner-credit"
            >
              <span className="muted small">{t('listing.ownerCredit')}</span>
              <CreditChip level={l.ownerCreditLevel} />
            </Link>
          )}
        </div>
      </header>

      <div className="listing__grid">
        <div className="listing__main">
          <section className="card" aria-labelledby="listing-terms">
            <h2 id="listing-terms">{t('listing.terms')}</h2>
            <dl className="facts">
              <div>
                <dt>{t(l.mode === 'auction' ? 'listing.reserve' : 'listing.price')}</dt>
                <dd>
                  <Price fen={l.pricePerTonneFen} testId="listing-price" />
                </dd>
              </div>
              <div>
                <dt>{t('listing.quantity')}</dt>
                <dd data-testid="listing-quantity">
                  {t('listing.quantity.remaining', {
                    remaining: formatTonnes(l.remainingKg, lang),
                    total: formatTonnes(l.quantityKg, lang),
                  })}
                </dd>
              </div>
              <div>
                <dt>{t('listing.minLot')}</dt>
                <dd>{l.minLotKg >= l.quantityKg ? t('listing.minLot.whole') : formatTonnes(l.minLotKg, lang)}</dd>
              </div>
              <div>
                <dt>{t('listing.mode')}</dt>
                <dd>
                  <ModeLabel listing={l} />
                </dd>
              </div>
              <div>
                <dt>{t('listing.pickup')}</dt>
                <dd data-testid="listing-pickup">
                  {formatDateTime(l.pickupFrom, lang)} – {formatDateTime(l.pickupTo, lang)}
                </dd>
              </div>
              <div>
                <dt>{t(l.side === 'demand' ? 'listing.district.demand' : 'listing.district')}</dt>
                <dd data-testid="listing-district">{districtName(l.district, lang)}</dd>
              </div>
              {l.address && (
                <div>
                  <dt>{t('listing.address')}</dt>
                  <dd>{l.address}</dd>
                </div>
              )}
              <div>
                <dt>{t('listing.category')}</dt>
                <dd>
                  <span className="code">{l.category}</span> · <span className="code">{l.wasteCode}</span>
                </dd>
              </div>
              <div>
                <dt>{t('listing.posted')}</dt>
                <dd>{formatDateTime(l.createdAt, lang)}</dd>
              </div>
            </dl>
            {l.description && (
              <p className="listing__description" data-testid="listing-description">
                {l.description}
              </p>
            )}
          </section>

          <section className="card" aria-labelledby="listing-hazard">
            <h2 id="listing-hazard">{t('listing.hazard')}</h2>
            <HazardView hazard={l.hazard} hazardous={l.hazardous} />
          </section>

          <section className="card" aria-labelledby="listing-analysis">
            <h2 id="listing-analysis">{t('listing.analysis')}</h2>
            <AnalysisView analysis={l.analysis} />
          </section>

          <section
            className="card"
            aria-labelledby="listing-pricecheck"
            data-testid="listing-pricecheck"
            data-status={l.priceCheck.status}
          >
            <h2 id="listing-pricecheck">{t('listing.priceCheck')}</h2>
            <PriceCheckFeedback check={l.priceCheck} stored testId="listing-pricecheck-status" />
            <dl className="facts facts--compact">
              <div>
                <dt>{t('listing.priceCheck.deviation')}</dt>
                <dd>{formatDeviation(l.priceCheck.deviation)}</dd>
              </div>
              <div>
                <dt>{t('material.band.source')}</dt>
                <dd>{bandSourceText(t, l.priceCheck)}</dd>
              </div>
              {l.justification && (
                <div>
                  <dt>{t('justification.label')}</dt>
                  <dd data-testid="listing-justification">{l.justification}</dd>
                </div>
              )}
            </dl>
          </section>
        </div>

        <aside className="listing__side">
          <section className="card" aria-labelledby="listing-bids-live" data-testid="bid-panel">
            <div className="listing__live">
              <h2 id="listing-bids-live">{t('listing.bids')}</h2>
              <LiveBadge status={liveStatus} />
            </div>
            <p className="bid-count" data-testid="bid-count" data-count={l.bidCount} aria-live="polite">
              {sealed ? t('listing.bidCount.sealed', { count: l.bidCount }) : t('listing.bidCount', { count: l.bidCount })}
            </p>
            {l.mode === 'auction' && l.closesAt && l.status === 'open' && (
              <p className="muted">
                <Countdown until={l.closesAt} onElapsed={() => setClosed(true)} />
              </p>
            )}
            {sealed && <p className="muted small">{t('listing.sealed.explain')}</p>}
          </section>

          <section className="card" aria-labelledby="band-title" data-testid="band-section">
            <h2 id="band-title">{t('material.band.title')}</h2>
            {band === undefined ? (
              <p role="status" className="muted">
                {t('common.loading')}
              </p>
            ) : band ? (
              <>
                <PriceBandBar band={band} />
                <p className="muted small">{t('material.band.explain')}</p>
              </>
            ) : (
              <p className="muted" data-testid="band-none">
                {t('material.band.none')}
              </p>
            )}
          </section>

          {isOwner ? (
            <>
              <OwnerPanel listing={l} bids={bids} onChanged={onChanged} />
              {/* Issue 18: a hazardous lot the market did not take can go to fallback disposal. */}
              {l.side === 'supply' && l.hazardous && <FallbackPanel listing={l} />}
            </>
          ) : (
            <section className="card">
              <BidArea listing={l} band={band} closed={closed} onPlaced={onPlaced} />
              {bids && bids.items.length > 0 && <BidsTable bids={bids} title={t('listing.myBids')} />}
            </section>
          )}
        </aside>
      </div>
    </article>
  );
}

/** The bid form for an eligible counterparty, or why there is none. */
function BidArea(props: { listing: Listing; band: ReferenceBand | null | undefined; closed: boolean; onPlaced(bid: Bid): void }) {
  const [placed, setPlaced] = useState<Bid | null>(null);
  return (
    <>
      {placed && <BidResult bid={placed} mode={props.listing.mode} />}
      <BidFormOrReason
        {...props}
        onPlaced={(bid) => {
          setPlaced(bid);
          props.onPlaced(bid);
        }}
      />
    </>
  );
}

function BidFormOrReason({
  listing: l,
  band,
  closed,
  onPlaced,
}: {
  listing: Listing;
  band: ReferenceBand | null | undefined;
  closed: boolean;
  onPlaced(bid: Bid): void;
}) {
  const { t } = useI18n();
  const { session } = useSession();
  const location = useLocation();
  const me = session.status === 'signedIn' ? session.me : null;
  const needed = l.side === 'supply' ? 'recycler' : 'generator';

  if (l.status !== 'open' || closed) {
    return (
      <p className="muted" data-testid="bid-unavailable" data-reason="closed">
        {t('bid.unavailable.closed', { status: t(tk(`listing.status.${closed && l.status === 'open' ? 'closed' : l.status}`)) })}
      </p>
    );
  }
  if (session.status === 'loading') return <p role="status">{t('common.loading')}</p>;
  if (!me) {
    return (
      <p data-testid="bid-unavailable" data-reason="signin">
        <Link to={`/signin?next=${encodeURIComponent(location.pathname)}`} className="btn btn--primary" data-testid="bid-signin">
          {t('bid.signInToBid')}
        </Link>
      </p>
    );
  }
  if (!me.org || !me.roles.includes(needed)) {
    return (
      <p className="muted" data-testid="bid-unavailable" data-reason="role">
        {t(l.side === 'supply' ? 'bid.unavailable.recyclerOnly' : 'bid.unavailable.generatorOnly')}
      </p>
    );
  }
  return <BidForm listing={l} band={band} onPlaced={onPlaced} />;
}

function OwnerPanel({
  listing: l,
  bids,
  onChanged,
}: {
  listing: Listing;
  bids: ListingBids | null;
  onChanged(l: Listing): void;
}) {
  const { t, lang } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<TradingProblem | null>(null);
  const cancelListing = useCancelListing();
  const [editing, setEditing] = useState(false);

  async function cancel() {
    setBusy(true);
    setProblem(null);
    try {
      onChanged(await cancelListing.mutateAsync(l.id));
      setConfirming(false);
    } catch (err) {
      setProblem(tradingProblem(err, t, lang));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="owner-title" data-testid="owner-panel">
      <h2 id="owner-title">{t('owner.title')}</h2>
      {problem && <ProblemAlert problem={problem} testId="cancel-error" />}
      {l.status === 'open' &&
        (editing ? (
          <EditListingForm
            listing={l}
            onSaved={(next) => {
              onChanged(next);
              setEditing(false);
            }}
            onCancel={() => setEditing(false)}
          />
        ) : (
          <button type="button" className="btn btn--primary" onClick={() => setEditing(true)} data-testid="edit-listing">
            {t('editListing.open')}
          </button>
        ))}{' '}
      {l.status === 'open' &&
        (confirming ? (
          <div className="confirm" role="group" aria-label={t('owner.cancel.confirm')}>
            <p>{t('owner.cancel.confirm')}</p>
            <div className="form__actions">
              <button type="button" className="btn btn--danger" onClick={cancel} disabled={busy} data-testid="cancel-confirm">
                {t('owner.cancel.yes')}
              </button>
              <button type="button" className="btn btn--secondary" onClick={() => setConfirming(false)} disabled={busy}>
                {t('owner.cancel.no')}
              </button>
            </div>
          </div>
        ) : (
          <button type="button" className="btn btn--secondary" onClick={() => setConfirming(true)} data-testid="cancel-listing">
            {t('owner.cancel')}
          </button>
        ))}
      {bids ? (
        bids.sealed ? (
          <p className="muted" data-testid="owner-bids-sealed">
            {t('owner.bids.sealed', { count: bids.count })}
          </p>
        ) : bids.items.length ? (
          <BidsTable bids={bids} title={t('owner.bids')} showMine={false} />
        ) : (
          <p className="muted" data-testid="owner-bids-empty">
            {t('owner.bids.none')}
          </p>
        )
      ) : (
        <p className="muted">{t('common.loading')}</p>
      )}
    </section>
  );
}

function BidsTable({ bids, title, showMine = true }: { bids: ListingBids; title: string; showMine?: boolean }) {
  const { t, lang } = useI18n();
  return (
    <div className="bids" data-testid="bids-list">
      <h3>{title}</h3>
      <table className="table table--compact">
        <thead>
          <tr>
            <th scope="col">{t('bids.col.time')}</th>
            <th scope="col">{t('bids.col.price')}</th>
            <th scope="col">{t('bids.col.quantity')}</th>
            <th scope="col">{t('bids.col.status')}</th>
          </tr>
        </thead>
        <tbody>
          {bids.items.map((b) => (
            <tr key={b.id} data-testid="bid-row" data-status={b.status}>
              <td>{formatDateTime(b.createdAt, lang)}</td>
              <td>
                <Price fen={b.pricePerTonneFen} />
                <PriceCheckBadge check={b.priceCheck} />
              </td>
              <td>
                {formatTonnes(b.quantityKg, lang)}
                {b.filledKg > 0 && (
                  <div className="muted small">{t('bids.filled', { filled: formatTonnes(b.filledKg, lang) })}</div>
                )}
              </td>
              <td>
                {t(tk(`bid.status.${b.status}`))}
                {showMine && b.mine && <span className="muted small"> · {t('bids.mine')}</span>}
                {b.orgId && b.bidderCreditLevel && !b.mine && (
                  <div>
                    <Link to={`/credit/${b.orgId}`} className="credit-link" title={t('bids.col.credit')} data-testid="bid-credit">
                      <CreditChip level={b.bidderCreditLevel} />
                    </Link>
                  </div>
                )}
                {b.tradeIds.map((id) => (
                  <div key={id}>
                    <Link to={`/trades/${id}`}>{t('bid.result.viewTrade')}</Link>
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
