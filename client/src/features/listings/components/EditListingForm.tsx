import { useState, type FormEvent } from 'react';
import { Alert } from '../../../components/Alert';
import { FormActions } from '../../../components/FormActions';
import { FormField, useErrorUntilEdited } from '../../../components/FormField';
import { useI18n } from '../../../i18n';
import { fenAsSignedYuanInput, kgAsTonnesInput, signedYuanToFen, toDateTimeLocal, tonnesToKg } from '../../../lib/units';
import { useUpdateListing, type Listing } from '../api';
import { tradingProblem, type TradingProblem } from '../errors';
import { EMPTY_HAZARD, HazardFields, hazardDraftErrors, hazardOf, type HazardDraft } from './HazardFields';
import { PickupWindowFields, pickupWindowOf } from './PickupWindowFields';
import { ProblemAlert } from './ProblemAlert';

/** The listing's declaration as the hazard fields edit it. */
function draftOf(h: Listing['hazard']): HazardDraft {
  return h ? { characteristics: [...h.characteristics], form: h.form, packaging: h.packaging } : EMPTY_HAZARD;
}

const sameHazard = (a: Listing['hazard'] | undefined, b: Listing['hazard']) => JSON.stringify(a ?? null) === JSON.stringify(b);

/**
 * The owner edits an open listing (issue 13 item 8, DESIGN §7): the description, address and hazard
 * declaration always; the price, quantity and pickup window only while no bid has been placed (the
 * API refuses them after: they are terms a bidder agreed to).
 */
export function EditListingForm({
  listing: l,
  onSaved,
  onCancel,
}: {
  listing: Listing;
  onSaved(l: Listing): void;
  onCancel(): void;
}) {
  const { t, lang } = useI18n();
  const termsOpen = l.bidCount === 0;
  const [description, setDescription] = useState(l.description ?? '');
  const [address, setAddress] = useState(l.address ?? '');
  const [price, setPrice] = useState(fenAsSignedYuanInput(l.pricePerTonneFen));
  const [quantity, setQuantity] = useState(kgAsTonnesInput(l.quantityKg));
  const [pickupFrom, setPickupFrom] = useState(() => toDateTimeLocal(new Date(l.pickupFrom)));
  const [pickupTo, setPickupTo] = useState(() => toDateTimeLocal(new Date(l.pickupTo)));
  const [hazard, setHazard] = useState<HazardDraft>(() => draftOf(l.hazard));
  // A hazardous supply lot keeps a full declaration (the server's rule, DESIGN §6.3).
  const hazardRequired = l.side === 'supply' && l.hazardous;
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<TradingProblem | null>(null);
  const update = useUpdateListing();
  const priceError = useErrorUntilEdited(errors.price, price);
  const quantityError = useErrorUntilEdited(errors.quantity, quantity);
  const pickupFromError = useErrorUntilEdited(errors.pickupFrom, pickupFrom);
  const pickupToError = useErrorUntilEdited(errors.pickupTo, pickupTo);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    const body: Record<string, unknown> = {};
    const local: Record<string, string> = {};
    if (description.trim() !== (l.description ?? '')) body.description = description.trim() || null;
    if (address.trim() !== (l.address ?? '')) body.address = address.trim() || null;
    if (termsOpen) {
      // A disposal fee is negative: the sign is kept, so an untouched fee is not sent back as a price.
      const fen = signedYuanToFen(price);
      const kg = tonnesToKg(quantity);
      if (fen === null) local.price = t('common.required');
      else if (fen !== l.pricePerTonneFen) body.pricePerTonneFen = fen;
      if (kg === null || kg <= 0) local.quantity = t('common.required');
      else if (kg !== l.quantityKg) body.quantityKg = kg;
      Object.assign(local, pickupWindowChanges(body));
    }
    Object.assign(local, hazardDraftErrors(hazard, hazardRequired, t));
    const declared = hazardOf(hazard) ?? null;
    if (!sameHazard(declared, l.hazard)) body.hazard = declared;
    setErrors(local);
    if (Object.keys(local).length) return;
    if (Object.keys(body).length === 0) return onCancel();
    try {
      onSaved(await update.mutateAsync({ id: l.id, body }));
    } catch (err) {
      setProblem(tradingProblem(err, t, lang));
    }
  }

  /** A corrected declaration drops its errors at once. */
  function changeHazard(next: HazardDraft) {
    setHazard(next);
    setErrors((prev) => Object.fromEntries(Object.entries(prev).filter(([k]) => !k.startsWith('hazard'))));
  }

  /** Puts a changed pickup window into `body`; returns the window's problems by field. */
  function pickupWindowChanges(body: Record<string, unknown>): Record<string, string> {
    const { from, to, errors: e } = pickupWindowOf(pickupFrom, pickupTo, t);
    if (Object.keys(e).length) return e;
    // Compare at the minute the inputs show, so an untouched window is not sent back.
    if (pickupFrom !== toDateTimeLocal(new Date(l.pickupFrom))) body.pickupFrom = from;
    if (pickupTo !== toDateTimeLocal(new Date(l.pickupTo))) body.pickupTo = to;
    return e;
  }

  return (
    <form className="form" onSubmit={onSubmit} noValidate data-testid="edit-listing-form" aria-labelledby="edit-listing-title">
      <h3 id="edit-listing-title">{t('editListing.title')}</h3>
      {problem && <ProblemAlert problem={problem} testId="edit-listing-error" />}
      {!termsOpen && <Alert tone="info">{t('editListing.termsLocked')}</Alert>}
      {termsOpen && (
        <>
          <FormField id="edit-price" label={t('editListing.price')} error={priceError} required>
            {(c) => (
              <input
                {...c}
                className="input"
                inputMode="decimal"
                value={price}
                onChange={(e) => setPrice(e.target.value)}
                data-testid="edit-price"
              />
            )}
          </FormField>
          <FormField id="edit-quantity" label={t('editListing.quantity')} error={quantityError} required>
            {(c) => (
              <input
                {...c}
                className="input"
                inputMode="decimal"
                value={quantity}
                onChange={(e) => setQuantity(e.target.value)}
                data-testid="edit-quantity"
              />
            )}
          </FormField>
          <PickupWindowFields
            idPrefix="edit"
            from={pickupFrom}
            to={pickupTo}
            onFromChange={setPickupFrom}
            onToChange={setPickupTo}
            fromError={pickupFromError}
            toError={pickupToError}
          />
        </>
      )}
      <HazardFields idPrefix="edit" value={hazard} onChange={changeHazard} errors={errors} required={hazardRequired} />
      <FormField id="edit-address" label={t('editListing.address')}>
        {(c) => (
          <input
            {...c}
            className="input"
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            data-testid="edit-address"
          />
        )}
      </FormField>
      <FormField id="edit-description" label={t('editListing.description')}>
        {(c) => (
          <textarea
            {...c}
            className="input"
            rows={4}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            data-testid="edit-description"
          />
        )}
      </FormField>
      <FormActions submitting={update.isPending} label={t('editListing.save')} testId="edit-listing-save" />
      <button type="button" className="btn btn--secondary" onClick={onCancel}>
        {t('editListing.cancel')}
      </button>
    </form>
  );
}
