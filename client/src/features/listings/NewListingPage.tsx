import { useEffect, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { isDistrictCode, type DistrictCode } from '../../../../shared/src/districts.js';
import { checkPrice } from '../../../../shared/src/pricecheck.js';
import { Alert } from '../../components/Alert';
import { DistrictField } from '../../components/DistrictOptions';
import { FormActions } from '../../components/FormActions';
import { FormField } from '../../components/FormField';
import { PriceBandBar } from '../../components/PriceBandBar';
import { useI18n } from '../../i18n';
import { fromDateTimeLocal, toDateTimeLocal, tonnesToKg } from '../../lib/units';
import { mapFieldErrors } from '../auth/fieldErrors';
import { fieldErrorText } from '../../lib/fieldErrors';
import { useSession } from '../auth/session';
import type { Material } from '../catalog/api';
import {
  ANALYSIS_FIELDS,
  ANALYSIS_KINDS,
  analysisFieldLabel,
  buildAnalysis,
  metalLabel,
  type AnalysisDraft,
  type FieldSpec,
} from './analysis';
import {
  CLASSIFIED_MATERIAL,
  analysisKindFor,
  listingKeys,
  useCreateListing,
  pricesApi,
  type AnalysisKind,
  type CreateListingBody,
  type ListingMode,
  type ListingSide,
  type ReferenceBand,
} from './api';
import { MaterialPicker } from './components/MaterialPicker';
import { EMPTY_HAZARD, HazardFields, hazardDraftErrors, hazardOf, type HazardDraft } from './components/HazardFields';
import { JustificationField, TonnesField } from './components/OfferFields';
import { PickupWindowFields, pickupWindowOf } from './components/PickupWindowFields';
import { PriceCheckFeedback, ServerPriceCheck } from './components/PriceCheckFeedback';
import { PriceInput, draftDirectionOf, draftToFen, priceDraftProblem, type PriceDraft } from './components/PriceInput';
import { ProblemAlert } from './components/ProblemAlert';
import { tradingProblem, type TradingProblem } from './errors';
import { tk } from './labels';

/** Form paths, most specific first, so a server error on `analysis.heavyMetals.cu` lands on that input. */
function formPaths(kind: AnalysisKind | null): string[] {
  const analysis: string[] = [];
  if (kind) {
    for (const spec of ANALYSIS_FIELDS[kind] as FieldSpec[]) {
      if (spec.type === 'metals') analysis.push(...spec.metals.map((m) => `analysis.${spec.key}.${m}`));
      analysis.push(`analysis.${spec.key}`);
    }
  }
  return [
    'side',
    'materialCode',
    'classifiedCode',
    'quantityKg',
    'minLotKg',
    'pricePerTonneFen',
    'justification',
    'mode',
    'closesAt',
    'pickupFrom',
    'pickupTo',
    'district',
    'address',
    'hazard.characteristics',
    'hazard.form',
    'hazard.packaging',
    'hazard',
    ...analysis,
    'analysis.reportRef',
    'analysis.sampledAt',
    'description',
  ];
}

function startOfHourIn(days: number, hour: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  d.setHours(hour, 0, 0, 0);
  return toDateTimeLocal(d);
}

/** Sides an org may post: supply as a generator, demand as a recycler (DESIGN §7, POST /listings). */
function sidesFor(roles: readonly string[]): ListingSide[] {
  return [
    ...(roles.includes('generator') ? (['supply'] as const) : []),
    ...(roles.includes('recycler') ? (['demand'] as const) : []),
  ];
}

export function NewListingPage() {
  const { t } = useI18n();
  const { session } = useSession();
  const location = useLocation();
  if (session.status === 'loading') return <p role="status">{t('common.loading')}</p>;
  if (session.status === 'signedOut') return <Navigate to={`/signin?next=${encodeURIComponent(location.pathname)}`} replace />;
  const sides = sidesFor(session.me.roles);
  if (sides.length === 0) {
    return (
      <div className="page page--narrow" data-testid="new-listing-page">
        <h1>{t('newListing.title')}</h1>
        <Alert tone="info" testId="new-listing-forbidden">
          {t('newListing.notAllowed')}
        </Alert>
      </div>
    );
  }
  return <NewListingForm sides={sides} homeDistrict={session.me.org?.district ?? ''} />;
}

function NewListingForm({ sides, homeDistrict }: { sides: ListingSide[]; homeDistrict: string }) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const [side, setSide] = useState<ListingSide>(sides[0]!);
  const [material, setMaterial] = useState<Material | null>(null);
  const [classifiedCode, setClassifiedCode] = useState('');
  const [quantity, setQuantity] = useState('');
  const [minLot, setMinLot] = useState('');
  const [price, setPrice] = useState<PriceDraft>({ direction: 'paid', amount: '' });
  const [justification, setJustification] = useState('');
  const [mode, setMode] = useState<ListingMode>('fixed');
  const [closesAt, setClosesAt] = useState(() => startOfHourIn(2, 17));
  const [pickupFrom, setPickupFrom] = useState(() => startOfHourIn(3, 8));
  const [pickupTo, setPickupTo] = useState(() => startOfHourIn(14, 18));
  const [district, setDistrict] = useState<DistrictCode | ''>(isDistrictCode(homeDistrict) ? homeDistrict : '');
  const [address, setAddress] = useState('');
  const [description, setDescription] = useState('');
  const [hazard, setHazard] = useState<HazardDraft>(EMPTY_HAZARD);
  const [analysisKind, setAnalysisKind] = useState<AnalysisKind | null>(null);
  const [analysis, setAnalysis] = useState<AnalysisDraft>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<TradingProblem | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const createListing = useCreateListing();

  const classified = material?.code === CLASSIFIED_MATERIAL;

  // A new material: its band, the lab fields that suit it, and the price direction its band implies.
  const bandQuery = useQuery({
    queryKey: listingKeys.reference(material?.code ?? ''),
    queryFn: ({ signal }) => pricesApi.reference(material!.code, signal),
    enabled: !!material,
  });
  const band: ReferenceBand | null | undefined = !material ? undefined : bandQuery.isError ? null : bandQuery.data;
  useEffect(() => {
    setAnalysisKind(material ? analysisKindFor(material.code, material.category) : null);
    setAnalysis({});
  }, [material]);
  useEffect(() => {
    // The toggle starts at the material's usual direction (a price the other way is flagged); for an
    // `either` material, at its band's side. An amount already typed keeps the direction chosen.
    if (!material) return;
    const direction = draftDirectionOf(material.usualDirection) ?? (band ? (band.medianFen < 0 ? 'fee' : 'paid') : null);
    if (direction) setPrice((p) => (p.amount.trim() ? p : { ...p, direction }));
  }, [material, band]);

  const fen = draftToFen(price);
  const live =
    material && fen !== null && !priceDraftProblem(price, t) && band !== undefined
      ? checkPrice(fen, band, { usualDirection: material.usualDirection })
      : undefined;
  const needsJustification = live?.status === 'flagged' || problem?.code === 'JUSTIFICATION_REQUIRED';
  // A hazardous supply listing must declare its hazard (the server's rule, DESIGN §6.3); on a demand
  // listing it is optional: the offers into it declare their own.
  const hazardRequired = side === 'supply' && (material?.hazardous === true || /^\d{3}-\d{3}-\d{2}$/.test(classifiedCode.trim()));

  function build(): { body?: CreateListingBody; errors: Record<string, string> } {
    const e: Record<string, string> = {};
    const required = t('common.required');
    if (!material) e.materialCode = t('newListing.material.required');
    if (classified && !classifiedCode.trim()) e.classifiedCode = t('newListing.classifiedCode.required');
    const quantityKg = tonnesToKg(quantity);
    if (!quantity.trim()) e.quantityKg = required;
    else if (!quantityKg) e.quantityKg = t('quantity.invalid');
    const minLotKg = minLot.trim() ? tonnesToKg(minLot) : undefined;
    if (minLotKg === null || minLotKg === 0) e.minLotKg = t('quantity.invalid');
    else if (minLotKg && quantityKg && minLotKg > quantityKg) e.minLotKg = t('newListing.minLot.tooLarge');
    const priceProblem = priceDraftProblem(price, t);
    if (!price.amount.trim()) e.pricePerTonneFen = required;
    else if (priceProblem) e.pricePerTonneFen = priceProblem;
    else if (live?.status === 'rejected') e.pricePerTonneFen = t('newListing.priceRejected');
    if (needsJustification && !justification.trim()) e.justification = t('justification.required');
    const { from, to, errors: windowErrors } = pickupWindowOf(pickupFrom, pickupTo, t);
    Object.assign(e, windowErrors);
    const closes = mode === 'auction' ? fromDateTimeLocal(closesAt) : null;
    if (mode === 'auction') {
      if (!closes) e.closesAt = required;
      else if (Date.parse(closes) <= Date.now()) e.closesAt = t('newListing.closesAt.past');
      else if (to && Date.parse(closes) > Date.parse(to)) e.closesAt = t('newListing.closesAt.afterPickup');
    }
    if (!district) e.district = required;
    Object.assign(e, hazardDraftErrors(hazard, hazardRequired, t, { nothingDeclared: t('newListing.hazard.required') }));
    const declared = hazardOf(hazard);
    const built = buildAnalysis(analysisKind, analysis, t);
    Object.assign(e, built.errors);
    if (Object.keys(e).length || !material || !quantityKg || fen === null || !from || !to || !district) return { errors: e };
    const body: CreateListingBody = {
      side,
      materialCode: material.code,
      ...(classified ? { classifiedCode: classifiedCode.trim().toUpperCase() } : {}),
      quantityKg,
      ...(minLotKg ? { minLotKg } : {}),
      pricePerTonneFen: fen,
      ...(needsJustification ? { justification: justification.trim() } : {}),
      mode,
      ...(closes ? { closesAt: closes } : {}),
      pickupFrom: from,
      pickupTo: to,
      district,
      ...(address.trim() ? { address: address.trim() } : {}),
      ...(declared ? { hazard: declared } : {}),
      ...(built.analysis ? { analysis: built.analysis } : {}),
      ...(description.trim() ? { description: description.trim() } : {}),
    };
    return { body, errors: e };
  }

  async function onSubmit(ev: FormEvent) {
    ev.preventDefault();
    setProblem(null);
    const { body, errors: local } = build();
    setErrors(local);
    if (!body) {
      focusFirstError(local);
      return;
    }
    setSubmitting(true);
    try {
      const listing = await createListing.mutateAsync(body);
      navigate(`/listings/${listing.id}`);
    } catch (err) {
      const { byPath, rest } = mapFieldErrors(err, formPaths(analysisKind), t);
      setErrors(byPath);
      const p = tradingProblem(err, t, lang);
      setProblem(rest.length ? { ...p, detail: rest.map((f) => `${f.path}: ${fieldErrorText(f, t)}`).join('；') } : p);
      focusFirstError(byPath);
    } finally {
      setSubmitting(false);
    }
  }

  const sideHint = t(side === 'supply' ? 'newListing.price.hint.supply' : 'newListing.price.hint.demand');

  return (
    <div className="page page--form" data-testid="new-listing-page">
      <header className="page__header">
        <h1>{t('newListing.title')}</h1>
        <p className="page__lead">{t('newListing.intro')}</p>
      </header>
      <form className="card form" onSubmit={onSubmit} noValidate data-testid="listing-form">
        {problem && <ProblemAlert problem={problem} testId="form-error" />}

        <fieldset className="form__section">
          <legend>{t('newListing.section.what')}</legend>
          {sides.length > 1 ? (
            <fieldset className="field" data-testid="listing-side">
              <legend className="field__label">{t('newListing.side')}</legend>
              <div className="segmented" role="radiogroup">
                {sides.map((s) => (
                  <label key={s} className={`segmented__option${side === s ? ' segmented__option--on' : ''}`}>
                    <input
                      type="radio"
                      name="side"
                      value={s}
                      checked={side === s}
                      onChange={() => setSide(s)}
                      data-testid={`listing-side-${s}`}
                    />
                    <span>{t(s === 'supply' ? 'newListing.side.supply' : 'newListing.side.demand')}</span>
                  </label>
                ))}
              </div>
            </fieldset>
          ) : (
            <div className="field">
              <span className="field__label">{t('newListing.side')}</span>
              <span data-testid="listing-side" data-side={side}>
                {t(side === 'supply' ? 'newListing.side.supply' : 'newListing.side.demand')}
              </span>
            </div>
          )}
          <MaterialPicker
            value={material}
            onChange={(m) => {
              setMaterial(m);
              setErrors((e) => ({ ...e, materialCode: '' }));
            }}
            error={errors.materialCode || undefined}
          />
          {material && !material.tradeable && <Alert tone="warning">{t('material.notTradeable')}</Alert>}
          {classified && (
            <FormField
              id="listing-classifiedCode"
              label={t('newListing.classifiedCode')}
              hint={t('newListing.classifiedCode.hint')}
              error={errors.classifiedCode}
              required
            >
              {(control) => (
                <input
                  {...control}
                  className="input input--mono"
                  value={classifiedCode}
                  onChange={(e) => setClassifiedCode(e.target.value.toUpperCase())}
                  placeholder="900-000-35 / SW07"
                  autoComplete="off"
                  data-testid="listing-classified-code"
                />
              )}
            </FormField>
          )}
          <div className="form__row">
            <TonnesField
              id="listing-quantityKg"
              label={t('newListing.quantity')}
              value={quantity}
              onChange={setQuantity}
              error={errors.quantityKg}
              required
              testId="listing-quantity"
            />
            <TonnesField
              id="listing-minLotKg"
              label={t('newListing.minLot')}
              hint={t('newListing.minLot.hint')}
              value={minLot}
              onChange={setMinLot}
              error={errors.minLotKg}
              testId="listing-min-lot"
            />
          </div>
        </fieldset>

        <fieldset className="form__section">
          <legend>{t('newListing.section.price')}</legend>
          {material && band && <PriceBandBar band={band} />}
          {material && band === null && <p className="muted small">{t('material.band.none')}</p>}
          <PriceInput
            id="listing-pricePerTonneFen"
            testId="listing-price"
            value={price}
            onChange={(p) => {
              setPrice(p);
              if (problem?.priceCheck) setProblem(null);
            }}
            label={t(mode === 'auction' ? 'newListing.reserve' : 'newListing.price')}
            hint={sideHint}
            usualDirection={material?.usualDirection ?? null}
            error={errors.pricePerTonneFen}
            feedback={
              <>
                {material ? (
                  <PriceCheckFeedback
                    check={live}
                    bandLoading={band === undefined && fen !== null}
                    testId="listing-price-check"
                  />
                ) : (
                  fen !== null && <span className="muted small">{t('newListing.price.pickMaterial')}</span>
                )}
                {problem?.priceCheck && <ServerPriceCheck check={problem.priceCheck} />}
              </>
            }
          />
          {needsJustification && (
            <JustificationField
              id="listing-justification"
              value={justification}
              onChange={setJustification}
              error={errors.justification}
              testId="listing-justification"
            />
          )}
          <fieldset className="field" data-testid="listing-mode">
            <legend className="field__label">{t('newListing.mode')}</legend>
            <div className="segmented" role="radiogroup">
              {(['fixed', 'auction'] as const).map((m) => (
                <label key={m} className={`segmented__option${mode === m ? ' segmented__option--on' : ''}`}>
                  <input
                    type="radio"
                    name="mode"
                    value={m}
                    checked={mode === m}
                    onChange={() => setMode(m)}
                    data-testid={`listing-mode-${m}`}
                  />
                  <span>{t(m === 'fixed' ? 'listing.mode.fixed' : 'listing.mode.auction')}</span>
                </label>
              ))}
            </div>
            <div className="field__hint">
              {t(mode === 'fixed' ? 'newListing.mode.fixed.hint' : 'newListing.mode.auction.hint')}
            </div>
          </fieldset>
          {mode === 'auction' && (
            <FormField
              id="listing-closesAt"
              label={t('newListing.closesAt')}
              hint={t('newListing.closesAt.hint')}
              error={errors.closesAt}
              required
            >
              {(control) => (
                <input
                  {...control}
                  type="datetime-local"
                  className="input"
                  value={closesAt}
                  onChange={(e) => setClosesAt(e.target.value)}
                  data-testid="listing-closes-at"
                />
              )}
            </FormField>
          )}
        </fieldset>

        <fieldset className="form__section">
          <legend>{t('newListing.section.where')}</legend>
          <PickupWindowFields
            idPrefix="listing"
            from={pickupFrom}
            to={pickupTo}
            onFromChange={setPickupFrom}
            onToChange={setPickupTo}
            fromError={errors.pickupFrom}
            toError={errors.pickupTo}
          />
          <div className="form__row">
            <DistrictField
              id="listing-district"
              label={t(side === 'demand' ? 'newListing.district.demand' : 'newListing.district')}
              hint={t(side === 'demand' ? 'newListing.district.hint.demand' : 'newListing.district.hint')}
              error={errors.district}
              value={district}
              onChange={setDistrict}
              testId="listing-district"
            />
            <FormField id="listing-address" label={t('newListing.address')} error={errors.address}>
              {(control) => (
                <input
                  {...control}
                  className="input"
                  value={address}
                  maxLength={300}
                  onChange={(e) => setAddress(e.target.value)}
                  data-testid="listing-address"
                />
              )}
            </FormField>
          </div>
        </fieldset>

        <fieldset className="form__section" data-testid="listing-hazard">
          <legend>{t('newListing.section.hazard')}</legend>
          <p className="field__hint">{t(hazardRequired ? 'newListing.hazard.hint.hazardous' : 'newListing.hazard.hint')}</p>
          <HazardFields idPrefix="listing" value={hazard} onChange={setHazard} errors={errors} required={hazardRequired} />
        </fieldset>

        <fieldset className="form__section" data-testid="listing-analysis">
          <legend>{t('newListing.section.analysis')}</legend>
          <FormField id="listing-analysis-kind" label={t('newListing.analysis.kind')} hint={t('newListing.analysis.hint')}>
            {(control) => (
              <select
                {...control}
                className="input"
                value={analysisKind ?? ''}
                onChange={(e) => {
                  setAnalysisKind((e.target.value || null) as AnalysisKind | null);
                  setAnalysis({});
                }}
                data-testid="listing-analysis-kind"
              >
                <option value="">{t('newListing.analysis.none')}</option>
                {ANALYSIS_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(tk(`analysis.kind.${k}`))}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          {analysisKind && <AnalysisInputs kind={analysisKind} draft={analysis} onChange={setAnalysis} errors={errors} />}
        </fieldset>

        <fieldset className="form__section">
          <legend>{t('newListing.section.description')}</legend>
          <FormField
            id="listing-description"
            label={t('newListing.description')}
            hint={t('newListing.description.hint')}
            error={errors.description}
          >
            {(control) => (
              <textarea
                {...control}
                className="input"
                rows={4}
                maxLength={4000}
                value={description}
                onChange={(e) => setDescription(e.target.value)}
                data-testid="listing-description"
              />
            )}
          </FormField>
        </fieldset>

        <FormActions submitting={submitting} label={t('newListing.submit')} testId="listing-submit" />
      </form>
    </div>
  );
}

/** The lab fields of one stream family (ZAnalysis), with units; ids follow the API paths. */
function AnalysisInputs({
  kind,
  draft,
  onChange,
  errors,
}: {
  kind: AnalysisKind;
  draft: AnalysisDraft;
  onChange(d: AnalysisDraft): void;
  errors: Record<string, string>;
}) {
  const { t } = useI18n();
  const set = (key: string, value: string) => onChange({ ...draft, [key]: value });
  const idOf = (path: string) => `listing-analysis-${path.replace(/\./g, '-')}`;
  return (
    <div className="analysis-inputs" data-testid="analysis-inputs" data-kind={kind}>
      <div className="form__grid">
        {(ANALYSIS_FIELDS[kind] as FieldSpec[]).map((spec) => {
          if (spec.type === 'metals') {
            return (
              <fieldset key={spec.key} className="field metals">
                <legend className="field__label">
                  {analysisFieldLabel(t, spec.key)}（{spec.unit}）
                </legend>
                <div className="metals__grid">
                  {spec.metals.map((m) => {
                    const path = `${spec.key}.${m}`;
                    return (
                      <FormField key={m} id={idOf(path)} label={metalLabel(t, m)} error={errors[`analysis.${path}`]}>
                        {(control) => (
                          <input
                            {...control}
                            className="input"
                            inputMode="decimal"
                            value={draft[path] ?? ''}
                            onChange={(e) => set(path, e.target.value)}
                            data-testid={`analysis-${spec.key}-${m}`}
                          />
                        )}
                      </FormField>
                    );
                  })}
                </div>
              </fieldset>
            );
          }
          const unit = spec.type === 'number' ? `（${spec.unit}）` : '';
          return (
            <FormField
              key={spec.key}
              id={idOf(spec.key)}
              label={`${analysisFieldLabel(t, spec.key)}${unit}`}
              hint={spec.type === 'composition' ? t('analysis.composition.hint') : undefined}
              error={errors[`analysis.${spec.key}`]}
            >
              {(control) => (
                <input
                  {...control}
                  className="input"
                  inputMode={spec.type === 'number' ? 'decimal' : undefined}
                  value={draft[spec.key] ?? ''}
                  onChange={(e) => set(spec.key, e.target.value)}
                  data-testid={`analysis-${spec.key}`}
                />
              )}
            </FormField>
          );
        })}
        <FormField id={idOf('reportRef')} label={analysisFieldLabel(t, 'reportRef')} error={errors['analysis.reportRef']}>
          {(control) => (
            <input
              {...control}
              className="input"
              value={draft.reportRef ?? ''}
              onChange={(e) => set('reportRef', e.target.value)}
              data-testid="analysis-reportRef"
            />
          )}
        </FormField>
        <FormField id={idOf('sampledAt')} label={analysisFieldLabel(t, 'sampledAt')} error={errors['analysis.sampledAt']}>
          {(control) => (
            <input
              {...control}
              type="datetime-local"
              className="input"
              value={draft.sampledAt ?? ''}
              onChange={(e) => set('sampledAt', e.target.value)}
              data-testid="analysis-sampledAt"
            />
          )}
        </FormField>
      </div>
    </div>
  );
}

const FIELD_IDS: Record<string, string> = {
  materialCode: 'listing-material-q',
  classifiedCode: 'listing-classifiedCode',
  quantityKg: 'listing-quantityKg',
  minLotKg: 'listing-minLotKg',
  pricePerTonneFen: 'listing-pricePerTonneFen',
  justification: 'listing-justification',
  closesAt: 'listing-closesAt',
  pickupFrom: 'listing-pickupFrom',
  pickupTo: 'listing-pickupTo',
  district: 'listing-district',
  address: 'listing-address',
  'hazard.characteristics': 'listing-hazard-T',
  'hazard.form': 'listing-hazard-form',
  'hazard.packaging': 'listing-hazard-packaging',
  description: 'listing-description',
};

function focusFirstError(errors: Record<string, string>) {
  const first = Object.keys(errors).find((k) => errors[k]);
  if (!first) return;
  const id =
    FIELD_IDS[first] ?? (first.startsWith('analysis.') ? `listing-analysis-${first.slice(9).replace(/\./g, '-')}` : null);
  if (id) requestAnimationFrame(() => document.getElementById(id)?.focus());
}
