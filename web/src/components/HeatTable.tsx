// The heat table of hotspots: a row per compound (or building), a column per category, each cell the cases filed
// in the period, its colour deeper with the count. It is a real table, so a screen reader reads the numbers the
// colours stand for; a cell links to those cases. On a phone it scrolls sideways inside its own focusable box.
import { Link } from 'react-router';
import type { HotspotItem } from '../lib/governance';
import { useI18n } from '../i18n';

export interface HeatRow {
  key: string;
  label: string;
  compoundCode: string;
  building: string | null;
}

export interface HeatColumn {
  code: string;
  label: string;
}

// Light to deep red; dark text on the light ones, white on the deepest (each pair keeps 4.5:1).
const SHADES = ['#ffffff', '#fff1f0', '#ffccc7', '#ff9c8f', '#a8071a'];

function shadeOf(n: number, max: number): number {
  if (n <= 0 || max <= 0) return 0;
  return Math.min(SHADES.length - 1, Math.ceil((n / max) * (SHADES.length - 1)));
}

export function HeatTable({
  rows,
  columns,
  items,
  caption,
  cellLink,
}: {
  rows: HeatRow[];
  columns: HeatColumn[];
  items: HotspotItem[];
  caption: string;
  cellLink(row: HeatRow, category: string): string;
}) {
  const { t } = useI18n();
  const cell = new Map(items.map((i) => [`${i.compoundCode ?? ''}|${i.building ?? ''}|${i.categoryCode ?? ''}`, i]));
  const at = (r: HeatRow, c: HeatColumn) => cell.get(`${r.compoundCode}|${r.building ?? ''}|${c.code}`);
  const max = Math.max(0, ...items.map((i) => i.cases));
  return (
    <div className="rs-heat-scroll" tabIndex={0} role="region" aria-label={caption}>
      <table className="rs-heat" data-testid="heat-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('hot.group')}</th>
            {columns.map((c) => (
              <th scope="col" key={c.code}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">{r.label}</th>
              {columns.map((c) => {
                const i = at(r, c);
                const n = i?.cases ?? 0;
                const shade = shadeOf(n, max);
                return (
                  <td
                    key={c.code}
                    style={{ background: SHADES[shade], color: shade === SHADES.length - 1 ? '#fff' : '#262626' }}
                    data-cell={`${r.key}|${c.code}`}
                    data-cases={n}
                  >
                    {n > 0 ? (
                      <Link
                        to={cellLink(r, c.code)}
                        style={{ color: 'inherit' }}
                        // The row and column headers name the cell to a screen reader; the title says it to the eye.
                        title={t('hot.cellLabel', { group: r.label, category: c.label, n })}
                      >
                        <strong>{n}</strong>
                        {i && i.repeats > 0 && (
                          <span className="rs-heat-repeat">{t('hot.repeatsShort', { n: i.repeats })}</span>
                        )}
                      </Link>
                    ) : (
                      <span className="rs-heat-zero">0</span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
