import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { parsePlate } from '../../../../../shared/src/plates.js';
import { FormField } from '../../../components/FormField';
import { useI18n } from '../../../i18n';
import { formatTonnes, kgAsTonnesInput, tonnesToKg } from '../../../lib/units';
import { manifestKeys, manifestsApi, useOpenTrip, type Manifest, type OrgProfile } from '../api';
import { TripFormActions, useTripForm } from './tripForm';

const PATHS = ['carrierOrgId', 'vehiclePlate', 'driverName', 'declaredKg'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The shipper opens a trip: carrier (by its org id, looked up as typed), plate, driver, declared tonnes. */
export function OpenTripForm({ tradeId, remainingKg, onOpened }: { tradeId: string; remainingKg: number; onOpened(m: Manifest): void }) {
  const { t, lang } = useI18n();
  const [carrierId, setCarrierId] = useState('');
  const [plate, setPlate] = useState('');
  const [driver, setDriver] = useState('');
  const [declared, setDeclared] = useState(() => kgAsTonnesInput(remainingKg));
  const { errors, problem, busy, submit } = useTripForm(PATHS);
  const openTrip = useOpenTrip();

  const typedId = carrierId.trim();
  const carrierQuery = useQuery({
    queryKey: manifestKeys.org(typedId.toLowerCase()),
    queryFn: ({ signal }) => manifestsApi.org(typedId, signal),
    enabled: UUID.test(typedId),
  });
  const carrier: OrgProfile | null | 'unknown' = !UUID.test(typedId) ? null : carrierQuery.isError ? 'unknown' : (carrierQuery.data ?? null);

  const parsedPlate = plate.trim() ? parsePlate(plate) : null;

  function local(): Record<string, string> {
    const e: Record<string, string> = {};
    if (!UUID.test(carrierId.trim())) e.carrierOrgId = t('common.required');
    else if (carrier === 'unknown') e.carrierOrgId = t('trips.form.carrier.unknown');
    else if (carrier && !carrier.roles.includes('carrier')) e.carrierOrgId = t('trips.form.carrier.notCarrier');
    if (!plate.trim()) e.vehiclePlate = t('common.required');
    else if (!parsedPlate) e.vehiclePlate = t('trips.form.plate.invalid');
    if (!driver.trim()) e.driverName = t('common.required');
    const kg = tonnesToKg(declared);
    if (!declared.trim()) e.declaredKg = t('common.required');
    else if (kg === null || kg < 1) e.declaredKg = t('quantity.invalid');
    else if (kg > remainingKg) e.declaredKg = t('trips.form.declared.tooMuch', { max: formatTonnes(remainingKg, lang) });
    return e;
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    await submit(local(), async () => {
      const m = await openTrip.mutateAsync({
        tradeId,
        body: {
          carrierOrgId: carrierId.trim(),
          vehiclePlate: parsedPlate!.normalised,
          driverName: driver.trim(),
          declaredKg: tonnesToKg(declared)!,
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
          label={t('trips.form.carrier')}
          hint={t('trips.form.carrier.hint')}
          error={errors.carrierOrgId}
          required
          status={
            carrier === 'unknown'
              ? t('trips.form.carrier.unknown')
              : carrier
                ? carrier.roles.includes('carrier')
                  ? t('trips.form.carrier.found', { name: carrier.name, roles: carrier.roles.join(', ') })
                  : t('trips.form.carrier.notCarrier')
                : undefined
          }
        >
          {(c) => <input {...c} className="input input--mono" value={carrierId} onChange={(e) => setCarrierId(e.target.value)} data-testid="trip-carrier" />}
        </FormField>
        <FormField
          id="trip-plate"
          label={t('trips.form.plate')}
          hint={t('trips.form.plate.hint')}
          error={errors.vehiclePlate}
          required
          status={parsedPlate ? parsedPlate.display : undefined}
        >
          {(c) => <input {...c} className="input" value={plate} onChange={(e) => setPlate(e.target.value)} data-testid="trip-plate" />}
        </FormField>
        <FormField id="trip-driver" label={t('trips.form.driver')} error={errors.driverName} required>
          {(c) => <input {...c} className="input" value={driver} maxLength={50} onChange={(e) => setDriver(e.target.value)} data-testid="trip-driver" />}
        </FormField>
        <FormField id="trip-declared" label={t('trips.form.declared')} error={errors.declaredKg} required hint={`≤ ${formatTonnes(remainingKg, lang)}`}>
          {(c) => <input {...c} className="input" inputMode="decimal" value={declared} onChange={(e) => setDeclared(e.target.value)} data-testid="trip-declared" />}
        </FormField>
      </div>
      <TripFormActions problem={problem} problemTestId="open-trip-problem" busy={busy} label={t('trips.form.submit')} testId="open-trip-submit" />
    </form>
  );
}
