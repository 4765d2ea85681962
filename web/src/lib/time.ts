// Time as people read it: durations in the largest two units, moments in China Standard Time, and one shared
// ticking clock corrected by the server's, so countdowns agree with the deadlines the workflow keeps.
import { useEffect, useState } from 'react';
import type { Translate } from '../i18n';
import type { Deadline } from '../api/types';

/** Server time minus this device's time, learned from each answer that carries clockTimeLeftMs. */
let offsetMs = 0;

export function learnServerClock(deadlines: readonly Deadline[], receivedAt: number): void {
  const d = deadlines[0];
  if (!d) return;
  // clockTimeLeftMs = dueAt − serverNow at the moment of the answer.
  offsetMs = Date.parse(d.dueAt) - d.clockTimeLeftMs - receivedAt;
}

export const serverNow = () => Date.now() + offsetMs;

/** Re-renders every `everyMs` and returns the server's current time. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    const id = window.setInterval(() => setNow(serverNow()), everyMs);
    return () => window.clearInterval(id);
  }, [everyMs]);
  return now;
}

export function formatDuration(ms: number, t: Translate): string {
  const s = Math.max(0, Math.floor(Math.abs(ms) / 1000));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  const parts: string[] = [];
  if (days) parts.push(t('time.days', { n: days }));
  if (hours) parts.push(t('time.hours', { n: hours }));
  if (minutes && parts.length < 2 && !days) parts.push(t('time.minutes', { n: minutes }));
  // Seconds only when they matter: below an hour, or when nothing larger is left.
  if (!days && !hours && parts.length < 2 && (seconds || parts.length === 0))
    parts.push(t('time.seconds', { n: seconds }));
  return parts.slice(0, 2).join(' ');
}

const CST = 'Asia/Shanghai';

export function formatDateTime(iso: string | number, lang: 'zh' | 'en'): string {
  return new Date(iso).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', {
    timeZone: CST,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
}

export function formatTime(iso: string | number, lang: 'zh' | 'en'): string {
  return new Date(iso).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', {
    timeZone: CST,
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
}

/** Is `at` inside working hours (09:00–18:00 CST, Monday to Friday)? Holidays are the server's business. */
function inWorkingHours(at: number): boolean {
  const cst = new Date(at + 8 * 3600_000);
  const day = cst.getUTCDay();
  const minutes = cst.getUTCHours() * 60 + cst.getUTCMinutes();
  return day >= 1 && day <= 5 && minutes >= 9 * 60 && minutes < 18 * 60;
}

/**
 * A deadline as of `now`: clock time left (what the timer fires on) and working time left, which the server
 * computed at `fetchedAt` on the case's calendar and which runs down only during working hours.
 */
export function deadlineNow(d: Deadline, now: number, fetchedAt: number) {
  const clockLeft = Date.parse(d.dueAt) - now;
  const overdue = clockLeft <= 0 || d.breachedAt !== null;
  const elapsed = Math.max(0, now - fetchedAt);
  const workingLeft = overdue ? clockLeft : Math.max(0, d.workingTimeLeftMs - (inWorkingHours(now) ? elapsed : 0));
  const span = Date.parse(d.dueAt) - Date.parse(d.startedAt);
  const used = span > 0 ? Math.min(1, Math.max(0, (now - Date.parse(d.startedAt)) / span)) : 1;
  return { clockLeft, workingLeft, overdue, used };
}
