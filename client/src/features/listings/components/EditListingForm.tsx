import { useState, type FormEvent } from 'react';
import { Alert } from '../../../components/Alert';
import { FormActions } from '../../../components/FormActions';
import { FormField, useErrorUntilEdited } from '../../../components/FormField';
import { useI18n } from '../../../i18n';
import { fenAsYuanInput, kgAsTonnesInput, tonnesToKg, yuanToFen } from '../../../lib/units';
import { useUpdateListing, type Listing } from '../api';
import { tradingProblem, type TradingProblem } from '../errors';
import { ProblemAlert } from './ProblemAlert';

/**
 * The owner edits an open listing (issue 13 item 8, DESIGN §7): the description and address always;
 * the price and quantity only while no bid has been placed (the API refuses them after).
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
  const [price, setPrice] = useState(fenAsYuanInput(l.pricePerTonneFen));
  const [quantity, setQuantity] = useState(kgAsTonnesInput(l.quantityKg));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<TradingProblem | null>(null);
  const update = useUpdateListing();
  const priceError = useErrorUntilEdited(errors.price, price);
  const quantityError = useErrorUntilEdited(errors.quantity, quantity);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    const body: Record<string, unknown> = {};
    const local: Record<string, string> = {};
    if (description.trim() !== (l.description ?? '')) body.description = description.trim() || null;
    if (address.trim() !== (l.address ?? '')) body.address = address.trim() || null;
    if (termsOpen) {
      const fen = yuanToFen(price);
      const kg = tonnesToKg(quantity);
      if (fen === null) local.price = t('common.required');
      else if (fen !== l.pricePerTonneFen) body.pricePerTonneFen = fen;
      if (kg === null || kg <= 0) local.quantity = t('common.required');
      else if (kg !== l.quantityKg) body.quantityKg = kg;
    }
    setErrors(local);
    if (Object.keys(local).length) return;
    if (Object.keys(body).length === 0) return onCancel();
    try {
      onSaved(await update.mutateAsync({ id: l.id, body }));
    } catch (err) {
      setProblem(tradingProblem(err, t, lang));
    }
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
        </>
      )}
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
