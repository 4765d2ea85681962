// The working-day calendar over HTTP as a new user meets it: where each day's status comes from, how far the
// published arrangement reaches, and the admin importing a year's State Council notice.
import { addCalendarDays, createCalendar, cstDate, daysBetween } from '../../domain/calendar';
import { calendarDataFor, yearArrangement } from '../../domain/holidays';
import { loadCalendarData } from '../../db/queries/calendar';
import { logCalendarCoverage } from '../../services/calendar-coverage';
import { eventually } from '../helpers/cases';
import { FIXTURE_2027 } from '../domain/calendar-2027.fixture';
import { as, intakeBody, scrape, startApiStack, type ApiStack } from './helpers';

let s: ApiStack;
beforeAll(async () => {
  s = await startApiStack({ worker: true });
});
afterAll(() => s?.close());

const anon = (url: string) => s.app.inject({ method: 'GET', url });
const send = async (method: 'PUT' | 'DELETE', url: string, payload: object, user: 'admin' | 'community1' = 'admin') => {
  const token = (
    await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: user, password: 'redsteward' },
    })
  ).json().token;
  return s.app.inject({ method, url, payload, headers: { authorization: `Bearer ${token}` } });
};
const { year: _year, ...fixtureBody } = FIXTURE_2027;
const importBody = { ...fixtureBody, notice: '测试用虚构安排（非国务院通知）', reason: '测试：导入虚构的 2027 年安排' };
type Day = { date: string; working: boolean; kind: string; source: string; holiday: string | null };
const days = async (from: string, to: string): Promise<Day[]> =>
  (await anon(`/api/v1/calendar/days?from=${from}&to=${to}`)).json().items;
const restDays = (items: Day[]) => items.filter((d) => !d.working).map((d) => d.date);

describe('the calendar for a year nobody has published yet', () => {
  test('January and February 2027: New Year’s Day and 除夕 to 初三 are rest days from the law, 调休 unknown', async () => {
    const res = await anon('/api/v1/calendar/days?from=2027-01-01&to=2027-02-28');
    expect(res.statusCode).toBe(200);
    const { from, to, items } = res.json() as { from: string; to: string; items: Day[] };
    expect([from, to, items.length]).toEqual(['2027-01-01', '2027-02-28', 59]);
    expect(items.find((d) => d.date === '2027-01-01')).toEqual({
      date: '2027-01-01',
      working: false,
      kind: 'holiday',
      source: 'statutory',
      holiday: 'new_year',
    });
    for (const date of ['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08']) {
      expect(items.find((d) => d.date === date)).toEqual({
        date,
        working: false,
        kind: 'holiday',
        source: 'statutory',
        holiday: 'spring_festival',
      });
    }
    expect(items.find((d) => d.date === '2027-02-09')).toEqual({
      date: '2027-02-09',
      working: true,
      kind: 'workday',
      source: 'statutory',
      holiday: null,
    });
    expect(new Set(items.map((d) => d.source))).toEqual(new Set(['statutory']));
    // Weekends and the holidays, nothing else: no 调休 Saturday is worked in a year without a notice.
    expect(items.filter((d) => d.kind === 'make_up_workday')).toEqual([]);
  });

  test('a published year says so, day by day', async () => {
    expect(await days('2026-02-14', '2026-02-15')).toEqual([
      { date: '2026-02-14', working: true, kind: 'make_up_workday', source: 'package', holiday: null },
      { date: '2026-02-15', working: false, kind: 'holiday', source: 'package', holiday: 'spring_festival' },
    ]);
  });

  test('the coverage names the last published date and the days left until it', async () => {
    const today = cstDate(Date.now());
    const res = await anon('/api/v1/calendar/coverage');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      today,
      publishedThrough: '2026-12-31',
      daysLeft: daysBetween(today, '2026-12-31'),
      warnFrom: '2026-11-01',
      warn: today >= '2026-11-01',
      nextYear: 2027,
      lastPackageYear: 2026,
      importedYears: [],
    });
    const metrics = await scrape(s.app);
    expect(metrics).toContain(`redsteward_calendar_coverage_days ${daysBetween(today, '2026-12-31')}\n`);
  });

  test('the worker’s start-up line says it, and what to do', async () => {
    const lines: string[] = [];
    await logCalendarCoverage(s.pool, (l) => lines.push(l), Date.parse('2026-12-07T09:00:00+08:00'));
    expect(lines).toEqual([
      'calendar: holiday arrangement published through 2026-12-31 (24 days left); after it deadlines count on the statutory holidays alone (调休 and 补休 unknown): ' +
        "import the State Council's 2027 notice (PUT /api/v1/admin/calendar-years/2027 or the admin's 节假日安排 page)",
    ]);
  });

  test('a range runs forwards, within a year, inside the calendar’s years', async () => {
    const detail = async (url: string) => {
      const res = await anon(url);
      return [res.statusCode, res.json().error.details.map((d: { path: string }) => d.path)];
    };
    expect(await detail('/api/v1/calendar/days?from=2027-01-01&to=2028-01-02')).toEqual([400, ['to']]);
    expect(await detail('/api/v1/calendar/days?from=2027-01-02&to=2027-01-01')).toEqual([400, ['to']]);
    expect(await detail('/api/v1/calendar/days?from=2003-12-30&to=2004-01-02')).toEqual([400, ['from']]);
    expect(await detail('/api/v1/calendar/days?from=2027-02-30&to=2027-03-01')).toEqual([400, ['from']]);
    expect(await detail('/api/v1/calendar/days?from=2027-01-01')).toEqual([400, ['to']]);
  });
});

describe('importing a year’s notice', () => {
  test('only an admin imports, and an import that contradicts itself or the law is refused, naming the field', async () => {
    expect((await send('PUT', '/api/v1/admin/calendar-years/2027', importBody, 'community1')).statusCode).toBe(403);
    const outside = await send('PUT', '/api/v1/admin/calendar-years/2027', { ...importBody, workdays: ['2026-12-26'] });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().error.details).toEqual([{ path: 'workdays.0', issue: '须在2027年内' }]);
    const noMidAutumn = { ...importBody, holidays: importBody.holidays.filter((r) => r.holiday !== 'mid_autumn') };
    const res = await s.app.inject({
      method: 'PUT',
      url: '/api/v1/admin/calendar-years/2027',
      payload: noMidAutumn,
      headers: {
        authorization: `Bearer ${(await s.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'redsteward' } })).json().token}`,
        'accept-language': 'en',
      },
    });
    expect(res.json().error.details).toEqual([
      {
        path: 'holidays',
        issue:
          '2027-09-15 is a statutory holiday that this arrangement makes a working day: add it to a holiday range, or list it under statutoryDaysWorked',
      },
    ]);
    expect((await send('PUT', '/api/v1/admin/calendar-years/2024', importBody)).json().error.details[0].path).toBe(
      'year',
    );
    expect(
      (await s.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE entity = 'calendar_year'`)).rows[0].n,
    ).toBe(0);
    expect(restDays(await days('2027-09-15', '2027-09-15'))).toEqual(['2027-09-15']);
  });

  test('after importing the 2027 fixture the calendar follows it, new cases get it, and the audit log has it', async () => {
    const put = await send('PUT', '/api/v1/admin/calendar-years/2027', importBody);
    expect(put.statusCode).toBe(201);
    expect(put.json()).toEqual({
      year: 2027,
      source: 'imported',
      ...fixtureBody,
      notice: importBody.notice,
      importedAt: expect.any(String),
    });
    // The calendar answers from the new import at once (this process's cache was told), all year long.
    expect(restDays(await days('2027-02-04', '2027-02-14'))).toEqual([
      '2027-02-05',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-02-09',
      '2027-02-10',
      '2027-02-11',
      '2027-02-12',
      '2027-02-13',
      '2027-02-14',
    ]);
    expect((await days('2027-02-20', '2027-02-20'))[0]).toEqual({
      date: '2027-02-20',
      working: true,
      kind: 'make_up_workday',
      source: 'imported',
      holiday: null,
    });
    expect((await days('2027-01-01', '2027-01-01'))[0]).toMatchObject({
      working: false,
      source: 'imported',
      holiday: 'new_year',
    });
    expect((await anon('/api/v1/calendar/coverage')).json()).toMatchObject({
      publishedThrough: '2027-12-31',
      nextYear: 2028,
      importedYears: [2027],
    });
    expect((await anon('/api/v1/calendar/years/2027')).json()).toEqual(put.json());

    // A case filed now carries the calendar loadCalendarData builds (the one the fan-out sends to open cases).
    const filed = await (await as(s.app, 'resident3')).post('/api/v1/cases', intakeBody());
    const today = cstDate(Date.now());
    const { rows } = await s.pool.query(`SELECT intake->'calendar' AS calendar FROM cases WHERE id = $1`, [
      filed.json().caseId,
    ]);
    expect(rows[0].calendar).toEqual(
      await loadCalendarData(s.pool, addCalendarDays(today, -1), addCalendarDays(today, 400)),
    );

    const again = await send('PUT', '/api/v1/admin/calendar-years/2027', { ...importBody, reason: '测试：再导入一次' });
    expect(again.statusCode).toBe(200);
    const audit = (
      await s.pool.query(
        `SELECT actor_user_id, action, reason, before, after FROM audit_log WHERE entity = 'calendar_year' AND entity_id = '2027' ORDER BY id`,
      )
    ).rows;
    expect(audit.map((a) => [a.actor_user_id, a.action, a.reason, a.before === null])).toEqual([
      ['u-admin', 'calendar_year.import', importBody.reason, true],
      ['u-admin', 'calendar_year.replace', '测试：再导入一次', false],
    ]);
    expect(audit[0].after).toMatchObject({
      year: 2027,
      holidays: FIXTURE_2027.holidays,
      workdays: FIXTURE_2027.workdays,
    });
  });

  test('removing the import, or a change made in plain SQL, falls back to the law', async () => {
    expect((await send('DELETE', '/api/v1/admin/calendar-years/2027', { reason: '测试：撤回' })).statusCode).toBe(200);
    expect((await days('2027-02-09', '2027-02-09'))[0]).toMatchObject({ working: true, source: 'statutory' });
    expect((await send('DELETE', '/api/v1/admin/calendar-years/2027', { reason: '测试：再撤回' })).statusCode).toBe(
      404,
    );
    // Written behind the API's back: the table's NOTIFY trigger still reaches the cache.
    await s.pool.query(`INSERT INTO calendar_years (year, holidays, workdays) VALUES (2027, $1::jsonb, $2::date[])`, [
      JSON.stringify(FIXTURE_2027.holidays),
      FIXTURE_2027.workdays,
    ]);
    await eventually(async () => (await days('2027-02-09', '2027-02-09'))[0].source === 'imported', 10_000, 100);
    await s.pool.query('DELETE FROM calendar_years');
    await eventually(async () => (await days('2027-02-09', '2027-02-09'))[0].source === 'statutory', 10_000, 100);
  });

  test('an import reaches the open cases: a holiday it adds inside a running deadline moves it', async () => {
    const resident = await as(s.app, 'resident3');
    const filed = await resident.post('/api/v1/cases', intakeBody());
    const id = filed.json().caseId as string;
    const resolutionDue = (c: { deadlines: { kind: string; dueAt: string }[] }) =>
      Date.parse(c.deadlines.find((d) => d.kind === 'resolution')!.dueAt);
    const before = resolutionDue((await resident.get(`/api/v1/cases/${id}`)).json());
    // The year of the third working day from tomorrow, as published (or by law), plus that day as a holiday.
    const today = cstDate(Date.now());
    const cal = createCalendar(calendarDataFor(today, addCalendarDays(today, 30)));
    let day = today;
    for (let found = 0; found < 3;) if (cal.isWorkday((day = addCalendarDays(day, 1)))) found++;
    const year = Number(day.slice(0, 4));
    const base = yearArrangement(year)!;
    const put = await send('PUT', `/api/v1/admin/calendar-years/${year}`, {
      holidays: [...base.holidays, { holiday: 'other', from: day, to: day }],
      workdays: base.workdays,
      reason: '测试：通知增加一天假期',
    });
    expect(put.statusCode).toBe(201);
    const moved = await eventually(
      async () => {
        const c = (await resident.get(`/api/v1/cases/${id}`)).json();
        // Other tests of this file change the calendar too: this import's own recalculation is the one to wait for.
        const ours = (e: { type: string; payload: { reason?: string } }) =>
          e.type === 'deadline_recalculated' && e.payload.reason?.includes(`${year} notice imported`);
        return c.timeline.some(ours) && c;
      },
      30_000,
      300,
    );
    expect(resolutionDue(moved)).toBeGreaterThan(before);
  });
});
