import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { checkPrice } from '../../../../../shared/src/pricecheck.js';
import { isDistrictCode, type DistrictCode } from '../../../../../shared/src/districts.js';
import { Alert } from '../../../components/Alert';
import { DistrictField } from '../../../components/DistrictOptions';
import { FormActions } from '../../../components/FormActions';
import { useI18n } from '../../../i18n';
import { formatPricePerTonne } from '../../../lib/money';
import { formatTonnes, fromDateTimeLocal, kgAsTonnesInput, toDateTimeLocal, tonnesToKg } from '../../../lib/units';
import { mapFieldErrors } from '../../auth/fieldErrors';
import { useSession } from '../../auth/session';
import { usePlaceBid, type Bid, type Listing, type PlaceBidBody, type ReferenceBand } from '../api';
import { tradingProblem, type TradingProblem } from '../errors';
import { EMPTY_HAZARD, HazardFields, hazardDraftErrors, hazardOf, type HazardDraft } from './HazardFields';
import { JustificationField, TonnesField } from './OfferFields';
import { PickupWindowFields, pickupWindowOf } from './PickupWindowFields';
import { PriceCheckFeedback, ServerPriceCheck } from './PriceCheckFeedback';
import { PriceInput, draftToFen, priceDraftOf, priceDraftProblem, type PriceDraft } from './PriceInput';
import { ProblemAlert } from './ProblemAlert';

const PATHS = [
  'pricePerTonneFen',
  'quantityKg',
  'justification',
  'district',
  'pickupFrom',
  'pickupTo',
  'hazard.characteristics',
  'hazard.form',
  'hazard.packaging',
  'hazard',
] as const;

interface BidFormProps {
  listing: Listing;
  /** undefined while loading, null when the material has no band. */
  band: ReferenceBand | null | undefined;
  onPlaced(bid: Bid): void;
}

/**
 * A bid on a supply listing or an offer on a demand listing. The price check runs as the price is
 * typed, with the same function and band the server uses; the server still decides, and whatever
 * it answers (eligibility, reserve, capacity, a changed band) is shown as it said it.
 */
export function BidForm({ listing, band, onPlaced }: BidFormProps) {
  const { t, lang } = useI18n();
  const [price, setPrice] = useState<PriceDraft>(() => priceDraftOf(listing.pricePerTonneFen));
  const [quantity, setQuantity] = useState(() => kgAsTonnesInput(listing.remainingKg));
  const [justification, setJustification] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const placeBid = usePlaceBid();
  const [problem, setProblem] = useState<TradingProblem | null>(null);
  const [submitting, setSubmitting] = useState(false);
  // An offer into a demand listing states where the material is and, for hazardous waste, its hazard
  // (DESIGN §6.3): the trade's origin and the manifest's declaration come from it.
  const { session } = useSession();
  const home = session.me?.org?.district ?? '';
  const [district, setDistrict] = useState<DistrictCode | ''>(isDistrictCode(home) ? home : '');
  const [pickupFrom, setPickupFrom] = useState(() => toDateTimeLocal(new Date(listing.pickupFrom)));
  const [pickupTo, setPickupTo] = useState(() => toDateTimeLocal(new Date(listing.pickupTo)));
  const [hazard, setHazard] = useState<HazardDraft>(EMPTY_HAZARD);

  const fen = draftToFen(price);
  const bandLoading = band === undefined;
  const live =
    fen !== null && !priceDraftProblem(price, t) && !bandLoading
      ? checkPrice(fen, band, { usualDirection: listing.usualDirection })
      : undefined;
  const serverCheck = problem?.priceCheck;
  const needsJustification = live?.status === 'flagged' || problem?.code === 'JUSTIFICATION_REQUIRED';
  const smallestKg = Math.min(listing.minLotKg, listing.remainingKg);
  const supply = listing.side === 'supply';

  function changePrice(next: PriceDraft) {
    setPrice(next);
    if (problem?.priceCheck) setProblem(null);
  }

  function localErrors(): Record<string, string> {
    const e: Record<string, string> = {};
    const priceProblem = priceDraftProblem(price, t);
    if (!price.amount.trim()) e.pricePerTonneFen = t('common.required');
    else if (priceProblem) e.pricePerTonneFen = priceProblem;
    else if (live?.status === 'rejected') e.pricePerTonneFen = t('bid.priceRejected');
    const kg = tonnesToKg(quantity);
    if (!quantity.trim()) e.quantityKg = t('common.required');
    else if (kg === null || kg === 0) e.quantityKg = t('quantity.invalid');
    else if (kg > listing.remainingKg) e.quantityKg = t('bid.quantity.tooMuch', { max: formatTonnes(listing.remainingKg, lang) });
    else if (kg < smallestKg) e.quantityKg = t('bid.quantity.belowLot', { min: formatTonnes(smallestKg, lang) });
    if (needsJustification && !justification.trim()) e.justification = t('justification.required');
    if (!supply) {
      if (!district) e.district = t('common.required');
      Object.assign(e, pickupWindowOf(pickupFrom, pickupTo, t).errors);
      Object.assign(e, hazardDraftErrors(hazard, listing.hazardous, t));
    }
    return e;
  }

  /** Where the offered material is, its pickup window and its hazard declaration (demand listings only). */
  function offerLot(): Pick<PlaceBidBody, 'district' | 'pickupFrom' | 'pickupTo' | 'hazard'> {
    const declared = hazardOf(hazard);
    return {
      ...(district ? { district } : {}),
      pickupFrom: fromDateTimeLocal(pickupFrom)!,
      pickupTo: fromDateTimeLocal(pickupTo)!,
      ...(declared ? { hazard: declared } : {}),
    };
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    const local = localErrors();
    setErrors(local);
    if (Object.keys(local).length || fen === null) return;
    setSubmitting(true);
    try {
      const bid = await placeBid.mutateAsync({
        listingId: listing.id,
        body: {
          pricePerTonneFen: fen,
          quantityKg: tonnesToKg(quantity)!,
          ...(needsJustification && justification.trim() ? { justification: justification.trim() } : {}),
          ...(supply ? {} : offerLot()),
        },
      });
      setJustification('');
      onPlaced(bid);
    } catch (err) {
      setErrors(mapFieldErrors(err, PATHS, t).byPath);
      setProblem(tradingProblem(err, t, lang));
    } finally {
      setSubmitting(false);
    }
  }

  const hint = supply
    ? t(listing.mode === 'auction' ? 'bid.hint.supply.auction' : 'bid.hint.supply.fixed', {
        price: formatPricePerTonne(listing.pricePerTonneFen, lang),
      })
    : t(listing.mode === 'auction' ? 'bid.hint.demand.auction' : 'bid.hint.demand.fixed', {
        price: formatPricePerTonne(listing.pricePerTonneFen, lang),
      });

  return (
    <form className="form" onSubmit={onSubmit} noValidate data-testid="bid-form" aria-labelledby="bid-form-title">
      <h2 id="bid-form-title">{t(supply ? 'bid.title.supply' : 'bid.title.demand')}</h2>
      <p className="muted small form__intro">{hint}</p>
      {problem && <ProblemAlert problem={problem} testId="bid-error" />}
      <PriceInput
        id="bid-price"
        testId="bid-price"
        value={price}
        onChange={changePrice}
        label={t(supply ? 'bid.price.supply' : 'bid.price.demand')}
        usualDirection={listing.usualDirection}
        error={errors.pricePerTonneFen}
        feedback={
          <>
            <PriceCheckFeedback check={live} bandLoading={bandLoading && fen !== null} />
            {serverCheck && <ServerPriceCheck check={serverCheck} testId="server-price-check" />}
          </>
        }
      />
      {needsJustification && (
        <JustificationField
          id="bid-justification"
          value={justification}
          onChange={setJustification}
          error={errors.justification}
          testId="bid-justification"
        />
      )}
      <TonnesField
        id="bid-quantity"
        label={t('bid.quantity')}
        hint={t('bid.quantity.hint', { remaining: formatTonnes(listing.remainingKg, lang), min: formatTonnes(smallestKg, lang) })}
        value={quantity}
        onChange={setQuantity}
        error={errors.quantityKg}
        required
        testId="bid-quantity"
      />
      {!supply && (
        <>
          <fieldset className="form__section" data-testid="bid-lot">
            <legend>{t('bid.lot.title')}</legend>
            <p className="field__hint">{t('bid.lot.hint')}</p>
            <DistrictField
              id="bid-district"
              label={t('bid.lot.district')}
              error={errors.district}
              value={district}
              onChange={setDistrict}
              testId="bid-district"
            />
            <PickupWindowFields
              idPrefix="bid"
              from={pickupFrom}
              to={pickupTo}
              onFromChange={setPickupFrom}
              onToChange={setPickupTo}
              fromError={errors.pickupFrom}
              toError={errors.pickupTo}
            />
          </fieldset>
          <fieldset className="form__section" data-testid="bid-hazard">
            <legend>{t('bid.hazard.title')}</legend>
            <p className="field__hint">{t(listing.hazardous ? 'bid.hazard.hint.hazardous' : 'bid.hazard.hint')}</p>
            <HazardFields idPrefix="bid" value={hazard} onChange={setHazard} errors={errors} required={listing.hazardous} />
          </fieldset>
        </>
      )}
      <FormActions submitting={submitting} label={t(supply ? 'bid.submit.supply' : 'bid.submit.demand')} testId="bid-submit" />
    </form>
  );
}

/** What became of a bid just placed: matched (with its trade), or waiting. Outlives the form, which
 * disappears when the match closes the listing. */
export function BidResult({ bid, mode }: { bid: Bid; mode: Listing['mode'] }) {
  const { t, lang } = useI18n();
  return (
    <Alert tone="info" testId="bid-result">
      {bid.status === 'won' ? (
        <>
          <strong>{t('bid.result.won', { quantity: formatTonnes(bid.filledKg, lang) })}</strong>{' '}
          {bid.tradeIds.map((id) => (
            <Link key={id} to={`/trades/${id}`} data-testid="bid-trade-link">
              {t('bid.result.viewTrade')}
            </Link>
          ))}
        </>
      ) : (
        t(mode === 'auction' ? 'bid.result.sealed' : 'bid.result.active')
      )}
    </Alert>
  );
}
