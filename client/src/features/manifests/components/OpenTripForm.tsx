import { useState, type FormEvent } from 'react';
import { parsePlate } from '../../../../../shared/src/plates.js';
import { FormField } from '../../../components/FormField';
import { useI18n } from '../../../i18n';
import { formatTonnes, kgAsTonnesInput, tonnesToKg } from '../../../lib/units';
import { CarrierPicker } from '../../carriers/CarrierPicker';
import type { Carrier } from '../../carriers/api';
import { useOpenTrip, type Manifest } from '../api';
import { TripFormActions, useTripForm } from './tripForm';

const PATHS = [
  'carrierOrgId',
  'vehiclePlate',
  'driverName',
  'declaredKg',
  'paper.paperNumber',
  'paper.shippedOn',
  'paper.reason',
] as const;

/**
 * The shipper opens a trip: the carrier picked by name from the directory (for hazardous waste only
 * carriers licensed for the code), plate, driver, declared tonnes.
 */
export function OpenTripForm({
  tradeId,
  wasteCode,
  hazardous,
  remainingKg,
  onOpened,
}: {
  tradeId: string;
  wasteCode: string;
  hazardous: boolean;
  remainingKg: number;
  onOpened(m: Manifest): void;
}) {
  const { t, lang } = useI18n();
  const [carrier, setCarrier] = useState<Carrier | null>(null);
  const [plate, setPlate] = useState('');
  const [driver, setDriver] = useState('');
  const [declared, setDeclared] = useState(() => kgAsTonnesInput(remainingKg));
  // A trip that ran on a paper manifest during an outage, entered afterwards (within 10 working days).
  const [paper, setPaper] = useState(false);
  const [paperNumber, setPaperNumber] = useState('');
  const [shippedOn, setShippedOn] = useState('');
  const [paperReason, setPaperReason] = useState('');
  const { errors, problem, busy, submit } = useTripForm(PATHS);
  const openTrip = useOpenTrip();

  const parsedPlate = plate.trim() ? parsePlate(plate) : null;

  function local(): Record<string, string> {
    const e: Record<string, string> = {};
    if (!carrier) e.carrierOrgId = t('carriers.required');
    if (!plate.trim()) e.vehiclePlate = t('common.required');
    else if (!parsedPlate) e.vehiclePlate = t('trips.form.plate.invalid');
    if (!driver.trim()) e.driverName = t('common.required');
    const kg = tonnesToKg(declared);
    if (!declared.trim()) e.declaredKg = t('common.required');
    else if (kg === null || kg < 1) e.declaredKg = t('quantity.invalid');
    else if (kg > remainingKg) e.declaredKg = t('trips.form.declared.tooMuch', { max: formatTonnes(remainingKg, lang) });
    if (paper) {
      if (!paperNumber.trim()) e['paper.paperNumber'] = t('common.required');
      if (!shippedOn) e['paper.shippedOn'] = t('common.required');
      if (!paperReason.trim()) e['paper.reason'] = t('common.required');
    }
    return e;
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    await submit(local(), async () => {
      const m = await openTrip.mutateAsync({
        tradeId,
        body: {
          carrierOrgId: carrier!.id,
          vehiclePlate: parsedPlate!.normalised,
          driverName: driver.trim(),
          declaredKg: tonnesToKg(declared)!,
          ...(paper ? { paper: { paperNumber: paperNumber.trim(), shippedOn, reason: paperReason.trim() } } : {}),
        },
      });
      setPlate('');
      setDriver('');
      onOpened(m);
    });
  }

  return (
    <form className="form mf-open" onSubmit={onSubmit} noValidate data-testid="open-trip-form">
      <div className="form__grid">
        <FormField
          id="trip-carrier"
          label={t('carriers.label')}
          hint={t(hazardous ? 'carriers.hint.hazardous' : 'carriers.hint', { code: wasteCode })}
          error={errors.carrierOrgId}
          required
        >
          {(c) => <CarrierPicker control={c} code={wasteCode} hazardous={hazardous} value={carrier} onChange={setCarrier} />}
        </FormField>
        <FormField
          id="trip-plate"
          label={t('trips.form.plate')}
          hint={t('trips.form.plate.hint')}
          error={errors.vehiclePlate}
          required
          status={parsedPlate ? parsedPlate.display : undefined}
        >
          {(c) => (
            <input {...c} className="input" value={plate} onChange={(e) => setPlate(e.target.value)} data-testid="trip-plate" />
          )}
        </FormField>
        <FormField id="trip-driver" label={t('trips.form.driver')} error={errors.driverName} required>
          {(c) => (
            <input
              {...c}
              className="input"
              value={driver}
              maxLength={50}
              onChange={(e) => setDriver(e.target.value)}
              data-testid="trip-driver"
            />
          )}
        </FormField>
        <FormField
          id="trip-declared"
          label={t('trips.form.declared')}
          error={errors.declaredKg}
          required
          hint={`≤ ${formatTonnes(remainingKg, lang)}`}
        >
          {(c) => (
            <input
              {...c}
              className="input"
              inputMode="decimal"
              value={declared}
              onChange={(e) => setDeclared(e.target.value)}
              data-testid="trip-declared"
            />
          )}
        </FormField>
      </div>
      <label className="check-line">
        <input type="checkbox" checked={paper} onChange={(e) => setPaper(e.target.checked)} data-testid="trip-paper" />{' '}
        {t('trips.form.paper')}
      </label>
      {paper && (
        <div className="form__grid" data-testid="trip-paper-fields">
          <p className="muted small">{t('trips.form.paper.hint')}</p>
          <FormField id="trip-paper-number" label={t('trips.form.paper.number')} error={errors['paper.paperNumber']} required>
            {(c) => <input {...c} className="input" value={paperNumber} onChange={(e) => setPaperNumber(e.target.value)} />}
          </FormField>
          <FormField id="trip-paper-shipped" label={t('trips.form.paper.shippedOn')} error={errors['paper.shippedOn']} required>
            {(c) => (
              <input {...c} type="date" className="input" value={shippedOn} onChange={(e) => setShippedOn(e.target.value)} />
            )}
          </FormField>
          <FormField id="trip-paper-reason" label={t('trips.form.paper.reason')} error={errors['paper.reason']} required>
            {(c) => <input {...c} className="input" value={paperReason} onChange={(e) => setPaperReason(e.target.value)} />}
          </FormField>
        </div>
      )}
      <TripFormActions
        problem={problem}
        problemTestId="open-trip-problem"
        busy={busy}
        label={t('trips.form.submit')}
        testId="open-trip-submit"
      />
    </form>
  );
}
