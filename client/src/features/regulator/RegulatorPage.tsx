import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useLastData } from '../../lib/query';
import { useI18n } from '../../i18n';
import { RequireSignIn } from '../auth/components/RequireSignIn';
import type { Me } from '../auth/api';
import { errorText } from '../../lib/errors';
import { districtName } from '../listings/labels';
import { useLive } from '../realtime/LiveFeed';
import { LiveBadge } from '../listings/components/LiveBadge';
import { STREAMS, regulatorApi, regulatorKeys, type EdgeRef, type Grouping, type RangeFilter, type Stream } from './api';
import { rk, shanghaiToday } from './labels';
import { FlowSankey } from './components/FlowSankey';
import { FlowTable } from './components/FlowTable';
import { DrillDown } from './components/DrillDown';
import { AlertsPanel } from './components/AlertsPanel';
import { IndicatorCards, PlanTargets } from './components/IndicatorCards';
import { CapacityBars } from './components/CapacityBars';
import './regulator.css';

export function RegulatorPage() {
  const { t } = useI18n();
  return (
    <RequireSignIn>
      {(me) =>
        me.roles.includes('regulator') ? (
          <Dashboard me={me} />
        ) : (
          <div className="page">
            <h1>{t('regulator.title')}</h1>
            <p className="alert alert--info">{t('regulator.onlyRegulators')}</p>
          </div>
        )
      }
    </RequireSignIn>
  );
}

function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function Dashboard({ me }: { me: Me }) {
  const { t, lang } = useI18n();
  const today = shanghaiToday();
  const thisYear = Number(today.slice(0, 4));
  const [range, setRange] = useState<RangeFilter>({ from: `${thisYear}-01-01`, to: today, stream: '' });
  const [groupBy, setGroupBy] = useState<Grouping>('district');
  const [year, setYear] = useState(thisYear);
  const [edge, setEdge] = useState<EdgeRef | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);

  // Each panel keeps what it shows while a new range or year loads, and keeps it beside the error
  // when a reload fails: a regulator reading the figures should not lose them to a network blip.
  const sankey = useQuery({
    queryKey: regulatorKeys.flows(range, 'district'),
    queryFn: ({ signal }) => regulatorApi.flows(range, 'district', signal),
  });
  const table = useQuery({
    queryKey: regulatorKeys.flows(range, groupBy),
    queryFn: ({ signal }) => regulatorApi.flows(range, groupBy, signal),
    enabled: groupBy !== 'district',
  });
  const indicators = useQuery({
    queryKey: regulatorKeys.indicators(year),
    queryFn: ({ signal }) => regulatorApi.indicators(year, signal),
  });
  const capacity = useQuery({
    queryKey: regulatorKeys.capacity(year),
    queryFn: ({ signal }) => regulatorApi.capacity(year, signal),
  });
  // What each panel shows: its last answer, also while another range or year loads or after it failed.
  const sankeyData = useLastData(sankey.data);
  const tableData = useLastData(table.data);
  const indicatorsData = useLastData(indicators.data);
  const capacityData = useLastData(capacity.data);
  // The error of the last load, cleared while the next one runs.
  const sankeyError = sankey.isFetching ? null : sankey.error;
  const indicatorsError = indicators.isFetching ? null : indicators.error;

  // Trades and trips in scope refetch the flows, at most every 2 s (realtime/invalidation.ts).
  const live = useLive({});

  const scope = me.org?.scope;
  const scopeText =
    scope === 'city' || !scope ? t('regulator.scope.city') : (scope as string[]).map((d) => districtName(d, lang)).join('、');
  const flowsForTable = groupBy === 'district' ? sankeyData : tableData;
  const years = useMemo(() => Array.from({ length: thisYear - 2018 }, (_, i) => thisYear - i), [thisYear]);

  const preset = (from: string) => setRange((r) => ({ ...r, from, to: today }));

  return (
    <div className="page page--wide regulator" data-testid="regulator-page">
      <header className="page__header page__header--row">
        <div>
          <h1>{t('regulator.title')}</h1>
          <p className="page__lead">
            {t('regulator.scope')}: <strong data-testid="regulator-scope">{scopeText}</strong> · {t('regulator.platformOnly')}
          </p>
        </div>
        <LiveBadge status={live} />
      </header>

      <section className="card reg-section" aria-labelledby="flows-title">
        <header className="reg-section__header">
          <h2 id="flows-title">{t('regulator.flows.title')}</h2>
        </header>
        <div className="filters filters--inline reg-filters">
          <div className="field">
            <label className="field__label" htmlFor="reg-from">
              {t('regulator.range.from')}
            </label>
            <input
              id="reg-from"
              type="date"
              className="input"
              value={range.from}
              max={range.to}
              onChange={(e) => e.target.value && setRange((r) => ({ ...r, from: e.target.value }))}
              data-testid="range-from"
            />
          </div>
          <div className="field">
            <label className="field__label" htmlFor="reg-to">
              {t('regulator.range.to')}
            </label>
            <input
              id="reg-to"
              type="date"
              className="input"
              value={range.to}
              min={range.from}
              onChange={(e) => e.target.value && setRange((r) => ({ ...r, to: e.target.value }))}
              data-testid="range-to"
            />
          </div>
          <div className="segmented" role="group" aria-label={t('regulator.range.presets')}>
            <button type="button" className="segmented__option" onClick={() => preset(`${thisYear}-01-01`)}>
              {t('regulator.range.ytd')}
            </button>
            <button type="button" className="segmented__option" onClick={() => preset(addDays(today, -364))}>
              {t('regulator.range.12m')}
            </button>
            <button type="button" className="segmented__option" onClick={() => preset('2019-01-01')} data-testid="range-all">
              {t('regulator.range.all')}
            </button>
          </div>
          <div className="field">
            <label className="field__label" htmlFor="reg-stream">
              {t('regulator.stream')}
            </label>
            <select
              id="reg-stream"
              className="input"
              value={range.stream}
              onChange={(e) => setRange((r) => ({ ...r, stream: e.target.value as Stream | '' }))}
              data-testid="stream-filter"
            >
              <option value="">{t('common.all')}</option>
              {STREAMS.map((s) => (
                <option key={s} value={s}>
                  {t(rk(`stream.${s}`))}
                </option>
              ))}
            </select>
          </div>
        </div>
        {sankeyError && (
          <p className="alert alert--error" data-testid="flows-error">
            {errorText(sankeyError, t)}
          </p>
        )}
        <div className="reg-flows">
          <div className="reg-flows__chart">
            {sankeyData ? <FlowSankey edges={sankeyData.edges} onEdge={setEdge} /> : <p role="status">{t('common.loading')}</p>}
          </div>
          <div className="reg-flows__table">
            <div className="filters filters--inline">
              <div className="field">
                <label className="field__label" htmlFor="reg-group">
                  {t('regulator.groupBy')}
                </label>
                <select
                  id="reg-group"
                  className="input"
                  value={groupBy}
                  onChange={(e) => setGroupBy(e.target.value as Grouping)}
                  data-testid="group-by"
                >
                  <option value="district">{t('regulator.groupBy.district')}</option>
                  <option value="category">{t('regulator.groupBy.category')}</option>
                  <option value="material">{t('regulator.groupBy.material')}</option>
                </select>
              </div>
              <button
                type="button"
                className="btn btn--secondary btn--small"
                onClick={() => {
                  setExportError(null);
                  regulatorApi.downloadFlowsCsv(range, groupBy).catch((e: unknown) => setExportError(errorText(e, t)));
                }}
                data-testid="flows-csv"
              >
                {t('regulator.flows.csv')}
              </button>
            </div>
            {exportError && <p className="alert alert--error">{exportError}</p>}
            {flowsForTable && <FlowTable flows={flowsForTable} selected={edge} onEdge={setEdge} />}
          </div>
        </div>
        {edge && <DrillDown edge={edge} range={range} onClose={() => setEdge(null)} />}
      </section>

      <div className="reg-two">
        <AlertsPanel />
        <section className="card reg-section" aria-labelledby="capacity-title">
          <header className="reg-section__header">
            <h2 id="capacity-title">{t('regulator.capacity.title', { year })}</h2>
          </header>
          {capacityData ? <CapacityBars capacity={capacityData} /> : <p role="status">{t('common.loading')}</p>}
        </section>
      </div>

      <section className="reg-section" aria-labelledby="ind-title">
        <header className="reg-section__header">
          <h2 id="ind-title">{t('regulator.ind.title')}</h2>
          <div className="field field--inline">
            <label className="field__label" htmlFor="reg-year">
              {t('regulator.year')}
            </label>
            <select
              id="reg-year"
              className="input"
              value={year}
              onChange={(e) => setYear(Number(e.target.value))}
              data-testid="year-select"
            >
              {years.map((y) => (
                <option key={y} value={y}>
                  {y}
                </option>
              ))}
            </select>
          </div>
        </header>
        <p className="alert alert--info small" data-testid="platform-only">
          {indicatorsData ? (lang === 'en' ? indicatorsData.noteEn : indicatorsData.noteZh) : t('regulator.platformOnly')}
        </p>
        {indicatorsError && <p className="alert alert--error">{errorText(indicatorsError, t)}</p>}
        {indicatorsData && (
          <>
            <IndicatorCards indicators={indicatorsData} />
            <div className="card">
              <PlanTargets indicators={indicatorsData} />
            </div>
          </>
        )}
      </section>
    </div>
  );
}
