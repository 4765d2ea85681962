import fc from 'fast-check';
import type { Actor } from '../../domain/actions';
import { SYSTEM_ACTOR } from '../../domain/actions';
import {
  decideTopic,
  openingProblems,
  openTopic,
  stampTopic,
  topicReminders,
  topicTimerEvents,
  topicWakeUp,
  type TopicEventBody,
  type TopicOpening,
  type TopicState,
} from '../../domain/topic';
import { effectWindow, effectWindows } from '../../domain/topic-effect';

const T0 = Date.parse('2026-06-01T10:00:00+08:00');
const MIN = 60_000;
const DAY = 86_400_000;

const opening: TopicOpening = {
  topicId: 't-1',
  title: '3 号楼电梯反复故障',
  openedAt: T0,
  ownerOrgId: 'pc-demo-fast',
  supervisorChain: ['comm-jinji', 'street-huxi', 'org-dept'],
  dueAt: T0 + 100 * MIN,
  reminderPoints: [0.5, 0.75],
  tasks: [
    { id: 't1', title: '更换曳引机', ownerOrgId: 'pc-demo-fast', dueAt: T0 + 40 * MIN },
    { id: 't2', title: '业委会监督验收', ownerOrgId: 'oc-demo-fast', dueAt: T0 + 80 * MIN },
  ],
};
const as = (role: Actor['role'], organizationId: string | null): Actor => ({
  userId: `u-${role}`,
  role,
  organizationId,
});
const handler = as('handler', 'pc-demo-fast');
const owners = as('handler', 'oc-demo-fast');
const community = as('supervisor', 'comm-jinji');
const street = as('supervisor', 'street-huxi');
const otherCommunity = as('supervisor', 'comm-xinghai');

/** Runs the clock and the given actions in order and returns the state, as the workflow would. */
function apply(s: TopicState, actor: Actor, ...actions: Parameters<typeof decideTopic>[1][]): TopicState {
  for (const a of actions) {
    const d = decideTopic(s, a, actor, T0);
    if (!d.ok) throw new Error(d.reason);
    s = stampTopic(s, d.events, actor, T0).state;
  }
  return s;
}

/** The opening with the topic and one task per entry due that many minutes after T0 (the property tests' input). */
const withDues = (base: TopicOpening, topicMinutes: number, taskMinutes: number[]): TopicOpening => ({
  ...base,
  dueAt: T0 + topicMinutes * MIN,
  tasks: taskMinutes.map((m, i) => ({ id: `t${i + 1}`, title: 'x', ownerOrgId: 'pc-demo-fast', dueAt: T0 + m * MIN })),
});

function runClock(s: TopicState, until: number, supervised = false): { state: TopicState; types: string[] } {
  const types: string[] = [];
  for (let now = topicWakeUp(s, supervised); now !== null && now <= until; now = topicWakeUp(s, supervised)) {
    const events = topicTimerEvents(s, now, supervised);
    types.push(...events.map((e) => `${e.type}:${'taskId' in e ? (e.taskId ?? 'topic') : ''}`));
    s = stampTopic(s, events, SYSTEM_ACTOR, now).state;
  }
  return { state: s, types };
}

describe('a governance topic', () => {
  test('each task and the topic are reminded at the agreement’s points of their span, then breached once at their due', () => {
    const { state, types } = runClock(openTopic(opening), T0 + 200 * MIN);
    // t1 (40 min) at 20 and 30; t2 (80) at 40 and 60; the topic (100) at 50 and 75; each breached at its due.
    expect(types).toEqual([
      'reminder_sent:t1',
      'reminder_sent:t1',
      'breached:t1',
      'reminder_sent:t2',
      'reminder_sent:topic',
      'reminder_sent:t2',
      'reminder_sent:topic',
      'breached:t2',
      'breached:topic',
    ]);
    expect(types.filter((t) => t.startsWith('breached'))).toEqual(['breached:t1', 'breached:t2', 'breached:topic']);
    expect(topicWakeUp(state)).toBeNull();
  });

  test('a breach is charged to the organisation that missed it and told one rung above the supervisor', () => {
    const s = runClock(openTopic(opening), T0 + 40 * MIN).state;
    const late = topicTimerEvents(s, T0 + 80 * MIN).find((e) => e.type === 'breached');
    expect(late).toMatchObject({ taskId: 't2', organizationId: 'oc-demo-fast', escalatedToOrgId: 'street-huxi' });
  });

  test('a task done in time is neither reminded any more nor breached', () => {
    const done = apply(openTopic(opening), handler, { type: 'complete_task', taskId: 't1', note: '已更换' });
    const { types } = runClock(done, T0 + 200 * MIN);
    expect(types.some((t) => t.endsWith(':t1'))).toBe(false);
  });

  test('completing a done task again adds no event, whoever asks', () => {
    const done = apply(openTopic(opening), handler, { type: 'complete_task', taskId: 't1', note: '已更换' });
    expect(decideTopic(done, { type: 'complete_task', taskId: 't1', note: '再次' }, community, T0)).toEqual({
      ok: true,
      events: [],
    });
  });

  test('only a task’s owner or the supervising chain completes it; another handler of the topic may not', () => {
    const s = openTopic(opening);
    expect(decideTopic(s, { type: 'complete_task', taskId: 't1', note: 'x' }, owners, T0)).toMatchObject({
      ok: false,
      code: 'topic.forbidden',
    });
    expect(decideTopic(s, { type: 'complete_task', taskId: 't1', note: 'x' }, street, T0).ok).toBe(true);
    expect(decideTopic(s, { type: 'complete_task', taskId: 't9', note: 'x' }, handler, T0)).toMatchObject({
      code: 'topic.task_not_found',
    });
  });

  test('an organisation taking no part may do nothing, not even add progress', () => {
    expect(decideTopic(openTopic(opening), { type: 'add_progress', note: 'x' }, otherCommunity, T0)).toMatchObject({
      ok: false,
      code: 'topic.forbidden',
    });
  });

  test('a handler never closes; the supervisor closes with tasks undone only when it gives a reason', () => {
    const s = openTopic(opening);
    expect(decideTopic(s, { type: 'close', summary: '完成' }, handler, T0)).toMatchObject({ code: 'topic.forbidden' });
    expect(decideTopic(s, { type: 'close', summary: '完成' }, community, T0)).toMatchObject({
      code: 'topic.tasks_undone',
    });
    expect(decideTopic(s, { type: 'close', summary: '完成', reason: '   ' }, community, T0)).toMatchObject({
      code: 'topic.tasks_undone',
    });
    const closed = apply(s, street, { type: 'close', summary: '完成', reason: '业委会改选，验收改由社区组织' });
    expect(closed.status).toBe('closed');
    expect(topicWakeUp(closed)).toBeNull();
    expect(decideTopic(closed, { type: 'add_progress', note: 'x' }, community, T0)).toMatchObject({
      code: 'topic.illegal_transition',
    });
  });

  test('dues must lie ahead, and a task may not fall due after its topic; each is named by its field', () => {
    expect(
      openingProblems({ dueAt: T0, tasks: [{ dueAt: T0 + 1 }, { dueAt: T0 - 1 }] }, T0).map((p) => p.path),
    ).toEqual(['dueAt', 'tasks.0.dueAt', 'tasks.1.dueAt']);
    expect(openingProblems(opening, T0)).toEqual([]);
  });

  test('whatever the dues and the clock, each span is breached at most once and never before its due', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 0, maxLength: 5 }),
        fc.integer({ min: 1, max: 500 }),
        (taskMinutes, topicMinutes) => {
          const o = withDues(opening, topicMinutes, taskMinutes);
          let s = openTopic(o);
          const breaches: { key: string; at: number; due: number }[] = [];
          for (let now = topicWakeUp(s); now !== null; now = topicWakeUp(s)) {
            const events = topicTimerEvents(s, now);
            expect(events.length).toBeGreaterThan(0);
            for (const e of events)
              if (e.type === 'breached') breaches.push({ key: e.taskId ?? 'topic', at: now, due: e.dueAt });
            s = stampTopic(s, events, SYSTEM_ACTOR, now).state;
          }
          expect(new Set(breaches.map((b) => b.key)).size).toBe(breaches.length);
          expect(breaches.length).toBe(taskMinutes.length + 1);
          for (const b of breaches) expect(b.at).toBeGreaterThanOrEqual(b.due);
        },
      ),
    );
  });
});

describe('a breached topic under 督办 (the topic-supervision patch)', () => {
  const HOUR = 60 * MIN;
  const supervisedOpening: TopicOpening = {
    ...opening,
    supervision: { cadence: { unit: 'hours', amount: 1 }, calendar: { holidays: [], workdays: [] } },
  };
  const breaches = (s: TopicState, from: number, until: number) => {
    const out: { key: string; at: number; up: string | null; next?: number }[] = [];
    for (let now = topicWakeUp(s, true); now !== null && now <= until; now = topicWakeUp(s, true)) {
      const events = topicTimerEvents(s, now, true);
      for (const e of events)
        if (e.type === 'breached' && now >= from)
          out.push({ key: e.taskId ?? 'topic', at: now, up: e.escalatedToOrgId, next: e.superviseDueAt });
      s = stampTopic(s, events, SYSTEM_ACTOR, now).state;
    }
    return { out, state: s };
  };

  // The escape: once the one breach is on record, an owner who ignores the topic heard nothing more. Now every missed
  // 督办 due is a breach of its own, reported a rung higher each time, and the top of the chain keeps urging.
  test('an owner that ignores a breached task is breached again each cadence, a rung higher, until the top', () => {
    const { out } = breaches(openTopic(supervisedOpening), 0, T0 + 40 * MIN + 3 * HOUR);
    const t1 = out.filter((b) => b.key === 't1');
    expect(t1.map((b) => b.at - T0)).toEqual([40 * MIN, 40 * MIN + HOUR, 40 * MIN + 2 * HOUR, 40 * MIN + 3 * HOUR]);
    expect(t1.map((b) => b.up)).toEqual(['street-huxi', 'org-dept', 'org-dept', 'org-dept']);
    for (const b of t1) expect(b.next).toBe(b.at + HOUR);
  });

  test('doing the task ends its 督办; closing the topic ends every one', () => {
    const late = runClock(openTopic(supervisedOpening), T0 + 40 * MIN, true).state;
    expect(late.tasks[0]).toMatchObject({ misses: 1, superviseDueAt: T0 + 40 * MIN + HOUR });
    const done = apply(late, handler, { type: 'complete_task', taskId: 't1', note: '已更换' });
    expect(breaches(done, 0, T0 + 10 * HOUR).out.filter((b) => b.key === 't1')).toEqual([]);
    const closed = apply(late, community, { type: 'close', summary: '完成', reason: '改由街道统筹' });
    expect(topicWakeUp(closed, true)).toBeNull();
  });

  test('reminders stop at the breach: a late clock sends no reminder past the due, only the breach', () => {
    const s = openTopic(supervisedOpening);
    const ofT1 = (events: TopicEventBody[]) => events.filter((e) => 'taskId' in e && e.taskId === 't1');
    const events = topicTimerEvents(s, T0 + 45 * MIN, true);
    expect(ofT1(events).map((e) => e.type)).toEqual(['breached']);
    const after = stampTopic(s, events, SYSTEM_ACTOR, T0 + 45 * MIN).state;
    expect(ofT1(topicTimerEvents(after, T0 + 50 * MIN, true))).toEqual([]);
  });

  test('the 督办 due counts working days on the topic’s calendar: a Friday breach is due on the next working day, past a Monday holiday', () => {
    const friday = Date.parse('2026-06-05T18:00:00+08:00');
    const o: TopicOpening = {
      ...opening,
      openedAt: friday - DAY,
      dueAt: friday,
      tasks: [],
      supervision: {
        cadence: { unit: 'working_days', amount: 1 },
        calendar: { holidays: ['2026-06-08'], workdays: [] },
      },
    };
    const [breach] = topicTimerEvents(openTopic(o), friday, true);
    expect(breach).toMatchObject({ type: 'breached', superviseDueAt: Date.parse('2026-06-09T18:00:00+08:00') });
  });

  test('a reminder that would fall on a weekend waits for Monday’s office hours, as a case’s does; the demo’s seconds do not wait', () => {
    const friday = Date.parse('2026-06-05T17:00:00+08:00');
    const monday = Date.parse('2026-06-08T18:00:00+08:00');
    const o: TopicOpening = { ...supervisedOpening, openedAt: friday, dueAt: monday, tasks: [] };
    expect(topicReminders(o, monday)).toEqual([Date.parse('2026-06-08T09:00:00+08:00')]);
    expect(openTopic(o).reminderAt).toEqual([Date.parse('2026-06-08T09:00:00+08:00')]);
    const demo: TopicOpening = {
      ...o,
      supervision: { cadence: { unit: 'seconds', amount: 15 }, calendar: { holidays: [], workdays: [] } },
    };
    expect(topicReminders(demo, monday)).toEqual(topicReminders({ ...o, supervision: undefined }, monday));
    expect(topicReminders(demo, monday)[0]).toBe(friday + (monday - friday) / 2);
  });

  test('a topic opened before 0.5.0 (no supervision in its opening) still breaches once, as it started', () => {
    const { out, state } = breaches(openTopic(opening), 0, T0 + 100 * HOUR);
    expect(out.map((b) => b.key).sort()).toEqual(['t1', 't2', 'topic']);
    expect(topicWakeUp(state, true)).toBeNull();
  });

  test('without the patch a breach of a supervised opening is its last word, as in 0.4.0: the replayed histories keep their commands', () => {
    const plain = runClock(openTopic(opening), T0 + 100 * HOUR);
    const unpatched = runClock(openTopic(supervisedOpening), T0 + 100 * HOUR);
    expect(unpatched.types).toEqual(plain.types);
  });

  test('whatever the dues, every span breaches and then exactly once per cadence, never twice at once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 0, maxLength: 4 }),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 6 }),
        (taskMinutes, topicMinutes, hours) => {
          const o = withDues(supervisedOpening, topicMinutes, taskMinutes);
          const until = T0 + 600 * MIN + hours * HOUR;
          const { out } = breaches(openTopic(o), 0, until);
          const byKey = new Map<string, number[]>();
          for (const b of out) byKey.set(b.key, [...(byKey.get(b.key) ?? []), b.at]);
          expect(byKey.size).toBe(taskMinutes.length + 1);
          for (const times of byKey.values())
            for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBe(HOUR);
        },
      ),
    );
  });
});

describe('the effect of a topic', () => {
  test('the "after" window grows to 90 days and says when it is still short; counts compare per 30 days', () => {
    const opened = T0;
    const closed = T0 + 10 * DAY;
    const early = effectWindows(opened, closed, closed + 15 * DAY);
    expect(early).toEqual({
      before: { from: opened - 90 * DAY, to: opened },
      after: { from: closed, to: closed + 15 * DAY },
      afterComplete: false,
    });
    expect(effectWindow(early.before, 18).per30Days).toBe(6);
    expect(effectWindow(early.after, 1).per30Days).toBe(2);
    expect(effectWindows(opened, closed, closed + 400 * DAY).after.to).toBe(closed + 90 * DAY);
    expect(effectWindows(opened, closed, closed + 400 * DAY).afterComplete).toBe(true);
  });

  test('a window shorter than a day gives no rate rather than a wild one', () => {
    const w = effectWindows(T0, T0 + MIN, T0 + 2 * MIN);
    expect(effectWindow(w.after, 1)).toMatchObject({ cases: 1, per30Days: null });
  });
});
