// Activities of the monthly assessment (考核). Both are safe to retry: the readiness check only reads, and a
// computation is keyed by its workflow id (assessments.computation_id), so a retried activity finds the rows its
// first attempt committed instead of adding another version.
//
// The Schedule runs every day; a month's unit is assessed by it once, when its outcomes are settled — every
// response and resolution deadline of its open cases has passed — or when the agreement's cut-off after the month
// has passed, whichever comes first (DOMAIN.md "Rates: what counts"). A month assessed by hand is assessed as the
// cases stand at that moment, stored as a new version.
import type { Pool } from 'pg';
import { assessmentScore, readyToAssess } from '../domain/assessment';
import { addCalendarDays, addDuration, createCalendar, cstDate, cstTime } from '../domain/calendar';
import { computeRates, outcomesSettleAt, type CaseOutcomeFacts } from '../domain/rates';
import { withTransaction, type Queryable } from '../db/pool';
import { assessmentUnits, scheduledUnits, unitKey, type AssessmentUnit } from '../db/queries/assessment-units';
import { idsOfComputation, insertAssessment, lockPeriod } from '../db/queries/assessments';
import { monthPeriod, previousMonth, type Period } from '../db/queries/period';
import { loadCalendarData } from '../db/queries/calendar';
import { loadOutcomeFacts } from '../db/queries/stats';

export interface ComputeAssessmentsInput {
  /** YYYY-MM */
  period: string;
  /** The workflow id: one computation, however often the activity is retried. */
  computationId: string;
  /** A user id, or 'schedule'. */
  computedBy: string;
}

/**
 * How many months back a scheduled run looks for units still to assess: a cut-off (at most 20 working days) can fall
 * in the month after next. Only a month the Schedule has begun is looked at past the previous one, so a new
 * installation does not assess months before it ran.
 */
const MONTHS_BACK = 3;

const factsOf = (facts: CaseOutcomeFacts[], u: AssessmentUnit) =>
  facts.filter(
    (f) => f.handlerOrgId === u.organizationId && (u.compoundCode === null || f.compoundCode === u.compoundCode),
  );

/** The cut-off of each unit: its agreement's settleCutoff counted from the month's last day, on the working-day calendar. */
async function cutoffs(db: Queryable, period: Period, units: AssessmentUnit[]): Promise<Map<string, number>> {
  const lastDay = addCalendarDays(period.to, -1);
  const until = addCalendarDays(period.to, 120);
  const calendar = createCalendar(await loadCalendarData(db, lastDay, until));
  return new Map(units.map((u) => [unitKey(u), addDuration(cstTime(lastDay, 12), u.terms.settleCutoff, calendar)]));
}

/** The units of a month the Schedule has still to store and that are ready at `asOf` (none if it must have begun and has not). */
async function unitsDue(
  db: Queryable,
  period: Period,
  asOf: number,
  begun = false,
): Promise<{ units: AssessmentUnit[]; facts: CaseOutcomeFacts[] }> {
  const done = await scheduledUnits(db, period);
  if (begun && done.size === 0) return { units: [], facts: [] };
  const [all, facts] = await Promise.all([assessmentUnits(db, period), loadOutcomeFacts(db, period, { kind: 'all' })]);
  const open = all.filter((u) => !done.has(unitKey(u)));
  if (open.length === 0) return { units: [], facts };
  const cut = await cutoffs(db, period, open);
  const units = open.filter((u) =>
    readyToAssess(outcomesSettleAt(factsOf(facts, u)), cut.get(unitKey(u)) as number, asOf),
  );
  return { units, facts };
}

/** `clock`: the moment outcomes are read as of (tests fix it; the worker reads the real time). */
export function createAssessmentActivities({ pool, clock = Date.now }: { pool: Pool; clock?: () => number }) {
  return {
    /**
     * The month a scheduled run at `at` assesses: the oldest of the last MONTHS_BACK months with a unit the Schedule
     * has not stored yet and that is ready; null when there is none (the run ends at once).
     */
    async periodToAssess({ at }: { at: number }): Promise<string | null> {
      const previous = previousMonth(cstDate(at));
      const months = [previous];
      for (let i = 1; i < MONTHS_BACK; i++) months.unshift(previousMonth(`${months[0]}-01`));
      for (const m of months) if ((await unitsDue(pool, monthPeriod(m), at, m !== previous)).units.length > 0) return m;
      return null;
    },

    /**
     * Scores the month's units and returns the stored rows' ids. By hand: every unit, as the cases stand now. By the
     * Schedule: the units it has not stored yet that are ready now.
     */
    async computeAssessments({
      period: month,
      computationId,
      computedBy,
    }: ComputeAssessmentsInput): Promise<{ ids: string[] }> {
      const period = monthPeriod(month);
      const ids = await withTransaction(pool, async (client) => {
        await lockPeriod(client, period);
        const done = await idsOfComputation(client, computationId);
        if (done.length > 0) return done;
        const asOf = clock();
        const { units, facts } =
          computedBy === 'schedule'
            ? await unitsDue(client, period, asOf)
            : {
                units: await assessmentUnits(client, period),
                facts: await loadOutcomeFacts(client, period, { kind: 'all' }),
              };
        const created: string[] = [];
        for (const unit of units) {
          const rates = computeRates(factsOf(facts, unit), asOf);
          const assessment = assessmentScore(rates, unit.weights, unit.terms.minEvaluated);
          created.push(await insertAssessment(client, { unit, period, rates, assessment, computationId, computedBy }));
        }
        return created;
      });
      return { ids };
    },
  };
}

export type AssessmentActivities = ReturnType<typeof createAssessmentActivities>;
