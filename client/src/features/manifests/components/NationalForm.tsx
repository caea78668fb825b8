import { useState, type FormEvent } from 'react';
import { Alert } from '../../../components/Alert';
import { FormField } from '../../../components/FormField';
import { useI18n } from '../../../i18n';
import { formatDateTime } from '../../../lib/units';
import type { TManifestFormInput } from '../../../../../shared/src/schemas/manifests.js';
import { useCancelTrip, useSupplementForm, type Manifest } from '../api';
import { MethodSelect, methodName } from './MethodSelect';
import { TripFormActions, useTripForm } from './tripForm';

/** Statuses in which the shipper may still add to the form (the server's SUPPLEMENTABLE_STATUSES). */
const SUPPLEMENTABLE = ['draft', 'issued', 'loaded', 'in_transit', 'arrived'];

type Contact = { name: string; phone: string } | null;
const contactText = (c: Contact) => (c ? `${c.name} · ${c.phone}` : null);

/**
 * The national form's further fields (issue 14): addresses, contacts of the three parties, the
 * driver's certificate, the vehicle's permit, constituents, packages, the management plan and the
 * planned method; a paper entry and a cancellation are said at the top. The shipper completes the
 * form while the trip is under way and may cancel a draft.
 */
export function NationalForm({ m, onChange }: { m: Manifest; onChange(m: Manifest): void }) {
  const { t, lang } = useI18n();
  const [editing, setEditing] = useState(false);
  const shipper = m.yourParts.includes('shipper');
  const f = m.form;
  const rows: [string, string | null][] = [
    [t('form.pickupAddress'), f.pickupAddress],
    [t('form.destinationAddress'), f.destinationAddress],
    [t('form.shipperContact'), contactText(f.shipperContact)],
    [t('form.carrierContact'), contactText(f.carrierContact)],
    [t('form.receiverContact'), contactText(f.receiverContact)],
    [t('form.driverCertificateNumber'), f.driverCertificateNumber],
    [t('form.vehiclePermitNumber'), f.vehiclePermitNumber],
    [t('form.hazardousConstituents'), f.hazardousConstituents],
    [t('form.packageCount'), f.packageCount != null ? String(f.packageCount) : null],
    [t('form.managementPlanRef'), f.managementPlanRef],
    [t('form.plannedMethodCode'), methodName(f.plannedMethodCode, lang)],
  ];
  return (
    <section className="card" aria-labelledby={`form-${m.id}`} data-testid="manifest-national-form">
      <h2 id={`form-${m.id}`}>{t('form.title')}</h2>
      {m.paper && (
        <Alert tone="info" testId="manifest-paper">
          {t('form.paper.marked', {
            number: m.paper.paperNumber,
            shippedOn: m.paper.shippedOn,
            enterBy: m.paper.enterBy,
            reason: m.paper.reason,
          })}
        </Alert>
      )}
      {m.status === 'cancelled' && (
        <Alert tone="info" testId="manifest-cancelled">
          {t('form.cancelled', { at: m.cancelledAt ? formatDateTime(m.cancelledAt, lang) : '', reason: m.cancelReason ?? '' })}
        </Alert>
      )}
      <dl className="facts">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value ?? <span className="muted">{t('form.notGiven')}</span>}</dd>
          </div>
        ))}
      </dl>
      {shipper && SUPPLEMENTABLE.includes(m.status) && !editing && (
        <div className="form__actions">
          <button
            type="button"
            className="btn btn--secondary btn--small"
            onClick={() => setEditing(true)}
            data-testid="form-edit"
          >
            {t('form.edit')}
          </button>
        </div>
      )}
      {editing && (
        <SupplementForm
          m={m}
          onDone={(updated) => {
            setEditing(false);
            onChange(updated);
          }}
        />
      )}
      {shipper && m.status === 'draft' && <CancelTrip m={m} onDone={onChange} />}
    </section>
  );
}

const FORM_PATHS = [
  'pickupAddress',
  'destinationAddress',
  'shipperContact.name',
  'shipperContact.phone',
  'carrierContact.name',
  'carrierContact.phone',
  'receiverContact.name',
  'receiverContact.phone',
  'driverCertificateNumber',
  'vehiclePermitNumber',
  'hazardousConstituents',
  'packageCount',
  'managementPlanRef',
  'plannedMethodCode',
] as const;
type FormPath = (typeof FORM_PATHS)[number];

/** The shipper completes the form: only changed fields are sent (a supplement event). */
function SupplementForm({ m, onDone }: { m: Manifest; onDone(m: Manifest): void }) {
  const { t } = useI18n();
  const f = m.form;
  const initial: Record<FormPath, string> = {
    pickupAddress: f.pickupAddress ?? '',
    destinationAddress: f.destinationAddress ?? '',
    'shipperContact.name': f.shipperContact?.name ?? '',
    'shipperContact.phone': f.shipperContact?.phone ?? '',
    'carrierContact.name': f.carrierContact?.name ?? '',
    'carrierContact.phone': f.carrierContact?.phone ?? '',
    'receiverContact.name': f.receiverContact?.name ?? '',
    'receiverContact.phone': f.receiverContact?.phone ?? '',
    driverCertificateNumber: f.driverCertificateNumber ?? '',
    vehiclePermitNumber: f.vehiclePermitNumber ?? '',
    hazardousConstituents: f.hazardousConstituents ?? '',
    packageCount: f.packageCount != null ? String(f.packageCount) : '',
    managementPlanRef: f.managementPlanRef ?? '',
    plannedMethodCode: f.plannedMethodCode ?? '',
  };
  const [v, setV] = useState(initial);
  const { errors, problem, busy, submit } = useTripForm(FORM_PATHS);
  const supplement = useSupplementForm();
  const set = (k: FormPath) => (value: string) => setV((x) => ({ ...x, [k]: value }));

  function local(): Record<string, string> {
    const e: Record<string, string> = {};
    for (const party of ['shipperContact', 'carrierContact', 'receiverContact'] as const) {
      const name = v[`${party}.name`].trim();
      const phone = v[`${party}.phone`].trim();
      if (name && !phone) e[`${party}.phone`] = t('common.required');
      if (phone && !name) e[`${party}.name`] = t('common.required');
    }
    if (v.packageCount.trim() && !/^\d+$/.test(v.packageCount.trim())) e.packageCount = t('quantity.invalid');
    return e;
  }

  function body(): TManifestFormInput {
    const out: Record<string, unknown> = {};
    const changed = (k: FormPath) => v[k].trim() !== initial[k].trim() && v[k].trim() !== '';
    for (const k of [
      'pickupAddress',
      'destinationAddress',
      'driverCertificateNumber',
      'vehiclePermitNumber',
      'hazardousConstituents',
      'managementPlanRef',
      'plannedMethodCode',
    ] as const)
      if (changed(k)) out[k] = v[k].trim();
    if (changed('packageCount')) out.packageCount = Number(v.packageCount.trim());
    for (const party of ['shipperContact', 'carrierContact', 'receiverContact'] as const)
      if (changed(`${party}.name`) || changed(`${party}.phone`))
        out[party] = { name: v[`${party}.name`].trim(), phone: v[`${party}.phone`].trim() };
    return out as TManifestFormInput;
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    await submit(local(), async () => {
      onDone(await supplement.mutateAsync({ id: m.id, body: body() }));
    });
  }

  const text = (k: FormPath, label: string, testId: string, o: { inputMode?: 'numeric' | 'tel' } = {}) => (
    <FormField id={`form-${m.id}-${k}`} label={label} error={errors[k]}>
      {(c) => (
        <input
          {...c}
          className="input"
          value={v[k]}
          inputMode={o.inputMode}
          onChange={(e) => set(k)(e.target.value)}
          data-testid={testId}
        />
      )}
    </FormField>
  );
  return (
    <form className="form" onSubmit={onSubmit} noValidate data-testid="form-supplement">
      <p className="muted small">{t('form.edit.hint')}</p>
      <div className="form__grid">
        {text('pickupAddress', t('form.pickupAddress'), 'form-pickup')}
        {text('destinationAddress', t('form.destinationAddress'), 'form-destination')}
        {text('shipperContact.name', `${t('form.shipperContact')} · ${t('form.contactName')}`, 'form-shipper-name')}
        {text('shipperContact.phone', `${t('form.shipperContact')} · ${t('form.contactPhone')}`, 'form-shipper-phone', {
          inputMode: 'tel',
        })}
        {text('carrierContact.name', `${t('form.carrierContact')} · ${t('form.contactName')}`, 'form-carrier-name')}
        {text('carrierContact.phone', `${t('form.carrierContact')} · ${t('form.contactPhone')}`, 'form-carrier-phone', {
          inputMode: 'tel',
        })}
        {text('receiverContact.name', `${t('form.receiverContact')} · ${t('form.contactName')}`, 'form-receiver-name')}
        {text('receiverContact.phone', `${t('form.receiverContact')} · ${t('form.contactPhone')}`, 'form-receiver-phone', {
          inputMode: 'tel',
        })}
        {text('driverCertificateNumber', t('form.driverCertificateNumber'), 'form-driver-cert')}
        {text('vehiclePermitNumber', t('form.vehiclePermitNumber'), 'form-vehicle-permit')}
        {text('hazardousConstituents', t('form.hazardousConstituents'), 'form-constituents')}
        {text('packageCount', t('form.packageCount'), 'form-packages', { inputMode: 'numeric' })}
        {text('managementPlanRef', t('form.managementPlanRef'), 'form-plan')}
        <FormField id={`form-${m.id}-plannedMethodCode`} label={t('form.plannedMethodCode')} error={errors.plannedMethodCode}>
          {(c) => (
            <MethodSelect control={c} value={v.plannedMethodCode} onChange={set('plannedMethodCode')} testId="form-method" />
          )}
        </FormField>
      </div>
      <TripFormActions problem={problem} problemTestId="form-problem" busy={busy} label={t('form.save')} testId="form-save" />
    </form>
  );
}

/** The shipper withdraws a draft, with the reason: a cancel event in the chain. */
function CancelTrip({ m, onDone }: { m: Manifest; onDone(m: Manifest): void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const { errors, problem, busy, submit } = useTripForm(['reason']);
  const cancel = useCancelTrip();
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    await submit(reason.trim().length < 2 ? { reason: t('common.required') } : {}, async () => {
      onDone(await cancel.mutateAsync({ id: m.id, body: { reason: reason.trim() } }));
    });
  }
  return (
    <form className="form" onSubmit={onSubmit} noValidate data-testid="trip-cancel">
      <h3>{t('form.cancel.title')}</h3>
      <FormField
        id={`cancel-${m.id}`}
        label={t('form.cancel.reason')}
        hint={t('form.cancel.hint')}
        error={errors.reason}
        required
      >
        {(c) => (
          <textarea
            {...c}
            className="input"
            rows={2}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            data-testid="trip-cancel-reason"
          />
        )}
      </FormField>
      <TripFormActions
        problem={problem}
        problemTestId="trip-cancel-problem"
        busy={busy}
        label={t('form.cancel.submit')}
        testId="trip-cancel-submit"
      />
    </form>
  );
}
