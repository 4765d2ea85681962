// The 三率 as people read them: a percentage with its numerator and denominator, "—" when nothing counts yet, and
// how many cases are still pending (their outcome not settled: a deadline running, an evaluation to come).
import { api } from '../api/client';
import type { paths } from '../api/schema';

type RateSetOf<T> = T extends { content: { 'application/json': { overall: infer R } } } ? R : never;
export type RateSet = RateSetOf<paths['/api/v1/stats/rates']['get']['responses'][200]>;
export type Rate = RateSet['responseRate'];

export const THREE_RATES = ['responseRate', 'resolutionRate', 'satisfactionRate'] as const;
export type ThreeRate = (typeof THREE_RATES)[number];
export const RATE_LABEL = {
  responseRate: 'rate.response',
  resolutionRate: 'rate.resolution',
  satisfactionRate: 'rate.satisfaction',
  evaluationCoverage: 'rate.coverage',
  onTimeResolutionRate: 'rate.onTime',
} as const;

export const pct = (r: Rate | undefined | null) => (r && r.value !== null ? `${(r.value * 100).toFixed(1)}%` : '—');
export const pctValue = (r: Rate | undefined | null) =>
  r && r.value !== null ? Math.round(r.value * 1000) / 10 : null;
export const fraction = (r: Rate | undefined | null) => (r ? `${r.numerator}/${r.denominator}` : '');
/** Cases not yet counted in the rate because their outcome is not settled; 0 for rates stored before there were any. */
export const pendingOf = (r: Rate | undefined | null) => r?.pending ?? 0;

/** YYYY-MM of a moment in China Standard Time, `back` months before it. */
export function monthOf(at: number, back = 0): string {
  const d = new Date(at + 8 * 3600_000);
  const m = d.getUTCFullYear() * 12 + d.getUTCMonth() - back;
  return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
}

/** A CSV export (bearer-authenticated, so not a plain link) saved under the name the API gives it. */
/** Saves the export as a file and answers its name (for the user's feedback); throws with the API's message. */
export async function downloadCsv(
  path: '/api/v1/exports/rates.csv' | '/api/v1/exports/cases.csv',
  query: Record<string, string>,
): Promise<string> {
  const { data, response } = await api.GET(path, { params: { query: query as never }, parseAs: 'blob' });
  if (!response.ok || !data) throw new Error(`HTTP ${response.status}`);
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'export.csv';
  const url = URL.createObjectURL(data);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
