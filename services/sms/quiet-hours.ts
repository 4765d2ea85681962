// Quiet hours for SMS to residents: nothing between 22:00 and 08:00 China time (UTC+8 all year, no daylight saving),
// except for cases of the emergency tier, where a resident would rather be woken than not told. Codes a person has
// just asked for (texts.ts `onRequest`) are not notices: the dispatcher sends them at any hour without asking here.
import type { Tier } from '../../domain/types';

const HOUR = 3600_000;
const CHINA_OFFSET = 8 * HOUR;
export const QUIET_FROM_HOUR = 22;
export const QUIET_UNTIL_HOUR = 8;

/**
 * `false` when an SMS about a case of this tier may go at `at`; otherwise the moment quiet hours end (the next 08:00
 * China time), when the dispatcher should try again. 22:00:00 is quiet, 08:00:00 is not.
 */
export function quietHoursHold(at: Date | number, tier: Tier): false | Date {
  const ms = typeof at === 'number' ? at : at.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('quietHoursHold: not a time');
  if (tier === 'emergency') return false;
  const local = new Date(ms + CHINA_OFFSET);
  const hour = local.getUTCHours();
  if (hour >= QUIET_UNTIL_HOUR && hour < QUIET_FROM_HOUR) return false;
  const day = Date.UTC(
    local.getUTCFullYear(),
    local.getUTCMonth(),
    local.getUTCDate() + (hour >= QUIET_FROM_HOUR ? 1 : 0),
    QUIET_UNTIL_HOUR,
  );
  return new Date(day - CHINA_OFFSET);
}
