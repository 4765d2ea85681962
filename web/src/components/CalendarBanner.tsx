// Asks the admin and the supervisors for next year's State Council holiday notice once the published arrangement
// is about to run out (GET /calendar/coverage warns from 60 days before its end): after it, working-day deadlines
// count on the law's holidays alone, with 调休 unknown. The admin gets a link to the import form.
import { Alert } from 'antd';
import { useEffect } from 'react';
import { Link, useLocation } from 'react-router';
import { api, ok } from '../api/client';
import { useI18n } from '../i18n';
import { useLoad } from '../lib/load';
import { useSession } from '../session';

const L = {
  ahead: {
    zh: '已公布的节假日安排截至 {date}（还剩 {days} 天），{year} 年的放假安排尚未导入。此后的工作日时限只按法定节假日计算，调休和补休未知。',
    en: 'The published holiday arrangement ends on {date} ({days} days left) and the {year} arrangement has not been imported. After it, working-day deadlines count on the statutory holidays alone; make-up working days are unknown.',
  },
  past: {
    zh: '已公布的节假日安排已于 {date} 结束，{year} 年的放假安排尚未导入：工作日时限正只按法定节假日计算，调休和补休未知。',
    en: 'The published holiday arrangement ended on {date} and the {year} arrangement has not been imported: working-day deadlines now count on the statutory holidays alone; make-up working days are unknown.',
  },
  importIt: { zh: '导入 {year} 年放假安排', en: 'Import the {year} arrangement' },
  askAdmin: {
    zh: '国务院通知发布后，请提醒管理员导入。',
    en: 'Once the State Council publishes it, ask the administrator to import it.',
  },
} as const;

/** Sent on window by the import page after an import, so the banner reads the coverage again. */
export const CALENDAR_CHANGED = 'rs:calendar-changed';

const fill = (s: string, vars: Record<string, string | number>) =>
  s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k]));

export function CalendarBanner() {
  const { lang } = useI18n();
  const { me } = useSession();
  const { pathname } = useLocation();
  const staff = me?.role === 'admin' || me?.role === 'supervisor';
  // Hourly is plenty: the answer changes once a day, or when the admin imports (the import page reloads it).
  const coverage = useLoad(
    () => (staff ? ok(api.GET('/api/v1/calendar/coverage')) : Promise.resolve(null)),
    [staff],
    3_600_000,
  );
  const { reload } = coverage;
  useEffect(() => {
    const onChange = () => void reload();
    window.addEventListener(CALENDAR_CHANGED, onChange);
    return () => window.removeEventListener(CALENDAR_CHANGED, onChange);
  }, [reload]);
  const c = coverage.data;
  if (!staff || !c?.warn) return null;
  const vars = { date: c.publishedThrough, days: c.daysLeft, year: c.nextYear };
  return (
    <Alert
      type={c.daysLeft < 0 ? 'error' : 'warning'}
      showIcon
      banner
      role="status"
      className="rs-calendar-banner"
      message={`${fill((c.daysLeft < 0 ? L.past : L.ahead)[lang], vars)}${me?.role === 'admin' ? '' : ` ${L.askAdmin[lang]}`}`}
      action={
        me?.role === 'admin' && pathname !== '/admin/calendar' ? (
          // Inline: antd's lighter hover and focus colours on a yellow banner fall below 4.5:1 (axe).
          <Link
            to={`/admin/calendar?year=${c.nextYear}`}
            style={{ color: '#a8071a', fontWeight: 600, textDecoration: 'underline' }}
          >
            {fill(L.importIt[lang], vars)}
          </Link>
        ) : undefined
      }
    />
  );
}
