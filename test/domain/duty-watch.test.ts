import { createCalendar } from '../../domain/calendar';
import { dutyDueAt, dutyMissed, followUpParty, type DutyStart } from '../../domain/duty-watch';

const cal = createCalendar({
  holidays: ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-06', '2025-10-07', '2025-10-08'],
  workdays: ['2025-10-11'],
});
const SECOND = 1000;
// Thursday 2025-10-09 10:00 CST, the first working day after National Day.
const T0 = Date.parse('2025-10-09T10:00:00+08:00');

const start = (overrides: Partial<DutyStart> = {}): DutyStart => ({
  duty: 'follow_up',
  caseId: 'c1',
  seq: 7,
  at: T0,
  allowed: { unit: 'seconds', amount: 30 },
  doneAt: null,
  supersededAt: null,
  closedAt: null,
  ...overrides,
});

describe('the Party organisations’ duties no case clock watches', () => {
  test('a follow-up not recorded by its due time is missed once the due time has passed', () => {
    expect(dutyDueAt(start(), cal)).toBe(T0 + 30 * SECOND);
    expect(dutyMissed(start(), cal, T0 + 30 * SECOND)).toBe(false);
    expect(dutyMissed(start(), cal, T0 + 30 * SECOND + 1)).toBe(true);
    // Recorded late is still missed; recorded in time is not.
    expect(dutyMissed(start({ doneAt: T0 + 31 * SECOND }), cal, T0 + 60 * SECOND)).toBe(true);
    expect(dutyMissed(start({ doneAt: T0 + 30 * SECOND }), cal, T0 + 60 * SECOND)).toBe(false);
  });

  test('a reassignment or closing before the due time ends the duty; after it, the miss stands', () => {
    expect(dutyMissed(start({ supersededAt: T0 + 10 * SECOND }), cal, T0 + 60 * SECOND)).toBe(false);
    expect(dutyMissed(start({ closedAt: T0 + 10 * SECOND }), cal, T0 + 60 * SECOND)).toBe(false);
    expect(dutyMissed(start({ closedAt: T0 + 40 * SECOND }), cal, T0 + 60 * SECOND)).toBe(true);
  });

  test('working-day times count on the calendar: two working days from Thursday end on the 调休 Saturday', () => {
    const forward = start({ duty: 'forward', allowed: { unit: 'working_days', amount: 2 } });
    expect(new Date(dutyDueAt(forward, cal)).toISOString()).toBe('2025-10-11T10:00:00.000Z');
  });

  test('a missed follow-up is the grid branch’s, or the party member’s own branch’s, or else the community committee’s', () => {
    expect(followUpParty({ kind: 'grid_branch', id: 'grid-1' }, null, 'comm-1')).toBe('grid-1');
    expect(followUpParty({ kind: 'party_member', id: 'pm-1' }, { id: 'grid-2', kind: 'grid_branch' }, 'comm-1')).toBe(
      'grid-2',
    );
    expect(followUpParty({ kind: 'party_member', id: 'pm-1' }, null, 'comm-1')).toBe('comm-1');
    expect(
      followUpParty({ kind: 'party_member', id: 'pm-1' }, { id: 'pc-1', kind: 'property_company' }, 'comm-1'),
    ).toBe('comm-1');
  });
});
