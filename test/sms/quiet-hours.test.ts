// Quiet hours: no SMS notice between 22:00 and 08:00 China time, except for emergency-tier cases.
import fc from 'fast-check';
import { TIERS } from '../../domain/types';
import { quietHoursHold } from '../../services/sms/quiet-hours';

/** A moment given as China wall-clock time. */
const china = (iso: string) => new Date(`${iso}+08:00`);

test('a notice waits from 22:00 to the next 08:00 China time, and goes from 08:00 on', () => {
  expect(quietHoursHold(china('2025-05-03T21:59:59.999'), 'general')).toBe(false);
  expect(quietHoursHold(china('2025-05-03T22:00:00'), 'general')).toEqual(china('2025-05-04T08:00:00'));
  expect(quietHoursHold(china('2025-05-03T23:30:00'), 'utilities')).toEqual(china('2025-05-04T08:00:00'));
  // Past midnight it is the same day's morning; 16:00 UTC is already the next day in China.
  expect(quietHoursHold(new Date('2025-05-03T16:00:00Z'), 'complex')).toEqual(china('2025-05-04T08:00:00'));
  expect(quietHoursHold(china('2025-05-04T07:59:59.999'), 'general')).toEqual(china('2025-05-04T08:00:00'));
  expect(quietHoursHold(china('2025-05-04T08:00:00').getTime(), 'general')).toBe(false);
  // Month and year ends roll over.
  expect(quietHoursHold(china('2025-12-31T22:00:00'), 'general')).toEqual(china('2026-01-01T08:00:00'));
});

test('an emergency-tier case is never held', () => {
  for (const t of ['2025-05-03T22:00:00', '2025-05-04T03:00:00', '2025-05-04T07:59:59'])
    expect(quietHoursHold(china(t), 'emergency')).toBe(false);
});

test('property: held exactly when China time is 22:00–08:00 and not an emergency; the hold ends at the next 08:00, within 10 hours, and is not itself held', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }),
      fc.constantFrom(...TIERS),
      (ms, tier) => {
        const hold = quietHoursHold(ms, tier);
        const hour = new Date(ms + 8 * 3600_000).getUTCHours();
        const quiet = hour >= 22 || hour < 8;
        if (tier === 'emergency' || !quiet) return hold === false;
        if (hold === false) return false;
        const until = hold.getTime();
        return (
          until > ms &&
          until - ms <= 10 * 3600_000 &&
          new Date(until + 8 * 3600_000).toISOString().slice(11, 23) === '08:00:00.000' &&
          quietHoursHold(until, tier) === false
        );
      },
    ),
    { numRuns: 2000 },
  );
});

test('a time that is not a time is refused', () => {
  expect(() => quietHoursHold(new Date('nonsense'), 'general')).toThrow(RangeError);
});
