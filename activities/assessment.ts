// Activities of the monthly assessment (考核). Both are safe to retry: the day check only reads, and a
// computation is keyed by its workflow id (assessments.computation_id), so a retried activity finds the rows its
// first attempt committed instead of adding another version.
import type { Pool } from 'pg';
import { createCalendar, cstDate } from '../domain/calendar';
import { calendarDataFor } from '../domain/holidays';
import { assessmentScore, computeRates } from '../domain/rates';
import { withTransaction } from '../db/pool';
import { assessmentUnits, idsOfComputation, insertAssessment, lockPeriod } from '../db/queries/assessments';
import { firstWorkingDay, monthPeriod, previousMonth } from '../db/queries/period';
import { listCalendarOverrides } from '../db/queries/reference';
import { loadOutcomeFacts } from '../db/queries/stats';

export interface ComputeAssessmentsInput {
  /** YYYY-MM */
  period: string;
  /** The workflow id: one computation, however often the activity is retried. */
  computationId: string;
  /** A user id, or 'schedule'. */
  computedBy: string;
}

export function createAssessmentActivities({ pool }: { pool: Pool }) {
  return {
    /**
     * The month to assess when the schedule fires at `at`: the previous month if `at` falls on the first working
     * day of its month (China Standard Time, with the admin's calendar overrides), else null.
     */
    async periodToAssess({ at }: { at: number }): Promise<string | null> {
      const today = cstDate(at);
      const { from, to } = monthPeriod(today.slice(0, 7));
      const overrides = await listCalendarOverrides(pool, from, to);
      const first = firstWorkingDay(today.slice(0, 7), createCalendar(calendarDataFor(from, to, overrides)));
      return first === today ? previousMonth(today) : null;
    },

    /** Scores every property company under its compound's agreement for the month; returns the stored rows' ids. */
    async computeAssessments({ period: month, computationId, computedBy }: ComputeAssessmentsInput): Promise<{ ids: string[] }> {
      const period = monthPeriod(month);
      const ids = await withTransaction(pool, async (client) => {
        await lockPeriod(client, period);
        const done = await idsOfComputation(client, computationId);
        if (done.length > 0) return done;
        const [units, facts] = await Promise.all([
          assessmentUnits(client, period),
          loadOutcomeFacts(client, period, { kind: 'all' }, { handlerKind: 'property_company' }),
        ]);
        const created: string[] = [];
        for (const unit of units) {
          const mine = facts.filter((f) => f.handlerOrgId === unit.organizationId && f.compoundCode === unit.compoundCode);
          const rates = computeRates(mine);
          const assessment = assessmentScore(rates, unit.weights);
          created.push(await insertAssessment(client, { unit, period, rates, assessment, computationId, computedBy }));
        }
        return created;
      });
      return { ids };
    },
  };
}

export type AssessmentActivities = ReturnType<typeof createAssessmentActivities>;
