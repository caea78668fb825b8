import { useI18n } from '../../../i18n';
import { districtName } from '../../listings/labels';
import { useMaterials } from '../../catalog/materials';
import type { EdgeRef, Flows } from '../api';
import { formatKgShort, formatShare } from '../labels';

/** The same edges as the Sankey, as a table (readable without the chart); a row opens its trades. */
export function FlowTable({ flows, selected, onEdge }: { flows: Flows; selected: EdgeRef | null; onEdge: (e: EdgeRef) => void }) {
  const { t, lang } = useI18n();
  const materials = useMaterials();
  const keyCol =
    flows.groupBy === 'category'
      ? t('regulator.flows.col.category')
      : flows.groupBy === 'material'
        ? t('regulator.flows.col.material')
        : null;
  const isSelected = (e: EdgeRef) =>
    !!selected &&
    selected.fromDistrict === e.fromDistrict &&
    selected.toDistrict === e.toDistrict &&
    (selected.category ?? null) === (e.category ?? null) &&
    (selected.materialCode ?? null) === (e.materialCode ?? null);
  return (
    <div className="table-scroll">
      <table className="table table--compact" data-testid="flow-table">
        <caption className="visually-hidden">{t('regulator.flows.tableCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('regulator.flows.col.from')}</th>
            <th scope="col">{t('regulator.flows.col.to')}</th>
            {keyCol && <th scope="col">{keyCol}</th>}
            <th scope="col" className="num">
              {t('regulator.flows.contracted')}
            </th>
            <th scope="col" className="num">
              {t('regulator.flows.received')}
            </th>
            <th scope="col" className="num">
              {t('regulator.flows.receivedShare')}
            </th>
            <th scope="col" className="num">
              {t('regulator.flows.trades')}
            </th>
            <th scope="col">
              <span className="visually-hidden">{t('regulator.flows.open')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {flows.edges.map((e) => {
            const m = e.materialCode ? materials.get(e.materialCode) : undefined;
            const ref: EdgeRef = {
              fromDistrict: e.fromDistrict,
              toDistrict: e.toDistrict,
              ...(e.category ? { category: e.category } : {}),
              ...(e.materialCode ? { materialCode: e.materialCode } : {}),
            };
            return (
              <tr
                key={`${e.fromDistrict}${e.toDistrict}${e.category ?? ''}${e.materialCode ?? ''}`}
                className={isSelected(ref) ? 'row--selected' : undefined}
                data-testid="flow-row"
              >
                <td>{districtName(e.fromDistrict, lang)}</td>
                <td>{districtName(e.toDistrict, lang)}</td>
                {keyCol && (
                  <td>
                    {e.materialCode ? (
                      <>
                        <span className="code">{e.materialCode}</span> {m ? (lang === 'en' ? m.nameEn : m.nameZh) : ''}
                      </>
                    ) : (
                      <span className="code">{e.category}</span>
                    )}
                  </td>
                )}
                <td className="num">{formatKgShort(e.contractedKg, lang)}</td>
                <td className="num">{formatKgShort(e.receivedKg, lang)}</td>
                <td className="num">{formatShare(e.contractedKg ? e.receivedKg / e.contractedKg : null)}</td>
                <td className="num">{e.trades.toLocaleString('en-US')}</td>
                <td>
                  <button type="button" className="btn btn--link btn--small" onClick={() => onEdge(ref)} data-testid="flow-drill">
                    {t('regulator.flows.open')}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={keyCol ? 3 : 2}>
              {t('regulator.flows.total')}
            </th>
            <td className="num" data-testid="flow-total-contracted">
              {formatKgShort(flows.totals.contractedKg, lang)}
            </td>
            <td className="num">{formatKgShort(flows.totals.receivedKg, lang)}</td>
            <td className="num">
              {formatShare(flows.totals.contractedKg ? flows.totals.receivedKg / flows.totals.contractedKg : null)}
            </td>
            <td className="num">{flows.totals.trades.toLocaleString('en-US')}</td>
            <td />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
