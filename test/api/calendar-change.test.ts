// A calendar change reaches the open cases: an override the admin adds moves the running deadlines it falls in,
// and each case's timeline says from when to when and why (services/calendar-changes.ts, the case workflow).
import { addCalendarDays, createCalendar, cstDate } from '../../domain/calendar';
import { calendarDataFor } from '../../domain/holidays';
import { eventually } from '../helpers/cases';
import { as, intakeBody, startApiStack, type ApiStack } from './helpers';

let s: ApiStack;
beforeAll(async () => {
  s = await startApiStack({ worker: true });
});
afterAll(() => s?.close());

test('a holiday the admin adds inside an open case’s resolution deadline moves it a working day on, and the timeline says so', async () => {
  const resident = await as(s.app, 'resident3');
  const filed = await resident.post('/api/v1/cases', intakeBody());
  expect(filed.statusCode).toBe(201);
  const id = filed.json().caseId as string;
  const before = await resident.get(`/api/v1/cases/${id}`);
  const due = (kind: string, body: { deadlines: { kind: string; dueAt: string }[] }) =>
    Date.parse(body.deadlines.find((d) => d.kind === kind)!.dueAt);
  const resolutionDue = due('resolution', before.json());
  // The third working day from tomorrow: inside the 7-working-day resolution deadline, after the response's.
  const today = cstDate(Date.now());
  const cal = createCalendar(calendarDataFor(today, addCalendarDays(today, 30)));
  let day = today;
  for (let found = 0; found < 3;) if (cal.isWorkday((day = addCalendarDays(day, 1)))) found++;
  const token = (
    await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: 'redsteward' },
    })
  ).json().token;
  const admin = (method: 'PUT' | 'DELETE', payload: object) =>
    s.app.inject({
      method,
      url: `/api/v1/admin/calendar-overrides/${day}`,
      headers: { authorization: `Bearer ${token}` },
      payload,
    });
  const put = await admin('PUT', { kind: 'holiday', reason: '临时停工（测试）' });
  expect(put.statusCode).toBe(201);
  const moved = await eventually(
    async () => {
      const c = (await resident.get(`/api/v1/cases/${id}`)).json();
      return c.timeline.find((e: { type: string }) => e.type === 'deadline_recalculated') && c;
    },
    30_000,
    300,
  );
  const event = moved.timeline.find((e: { type: string }) => e.type === 'deadline_recalculated');
  expect(event.payload.reason).toContain(day);
  expect(event.payload.moved).toEqual([{ kind: 'resolution', fromDueAt: resolutionDue, toDueAt: expect.any(Number) }]);
  const after = due('resolution', moved);
  expect(after).toBeGreaterThan(resolutionDue);
  expect(after).toBe(event.payload.moved[0].toDueAt);
  // Removing it again moves the deadline back.
  expect((await admin('DELETE', { reason: '恢复（测试）' })).statusCode).toBe(200);
  await eventually(
    async () => due('resolution', (await resident.get(`/api/v1/cases/${id}`)).json()) === resolutionDue,
    30_000,
    300,
  );
});
