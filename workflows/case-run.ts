// One case's state inside its workflow, and its event writer (as cluster-manager.ts holds a cluster's in
// temporalio/samples-typescript's safe-message-handlers): decisions come from domain/, this class orders them,
// applies them and persists what happened, in seq order.
import { ActivityFailure, ApplicationFailure, log, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ActionType, CalendarChanged, CaseEvent, CaseEventBody, ComplainantJoined } from '../domain/actions';
import { SYSTEM_ACTOR } from '../domain/actions';
import { recalculation } from '../domain/calendar-change';
import { decide, openCase, stamp, timerEvents } from '../domain/case-machine';
import type { CaseState } from '../domain/case-state';
import { stageOf } from '../domain/case-state';
import type { ActionResult } from '../domain/case-view';
import { projectCase } from '../domain/case-view';
import { coComplainantSettles, maySee } from '../domain/policy';
import { ROLES } from '../domain/types';
import { EventWriter } from './event-writer';
import type { ActionInput, CaseWorkflowInput } from './messages';

// A local activity: the worker runs the write inside the workflow task that produced the events, so an Update is
// answered in one workflow task. Writes are idempotent by (case_id, seq), so retrying a down database is safe; a
// write that can never succeed comes back as a non-retryable failure (activities/index.ts) instead of for ever.
const { recordEvents } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

/** The roles a person (or an API key acting for an organisation) can hold: every role but `system`. */
const PEOPLE_ROLES: ReadonlySet<unknown> = new Set(ROLES.filter((r) => r !== 'system'));

const reject = (type: string, message: string): never => {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
};

export class CaseRun {
  state: CaseState;
  /** Request ids already applied, with their results: a retried action answers its first result. */
  readonly applied: Map<string, ActionResult>;
  private readonly writer: EventWriter<CaseEvent>;

  constructor(input: CaseWorkflowInput) {
    // Intake wrote the opening events with the case row; the workflow derives the same state from the same intake.
    this.state = input.state ?? openCase(input.intake).state;
    this.applied = new Map(input.applied ?? []);
    this.writer = new EventWriter(this.state.seq, (batch) => this.record(batch));
  }

  isOpen(): boolean {
    return this.state.status !== 'closed';
  }

  /** Nothing is waiting to be written: the run may end or continue as new. */
  get idle(): boolean {
    return this.writer.idle;
  }

  /** The Update validator: refuses before anything reaches history. Validators do not run on replay. */
  validate(type: ActionType, req: ActionInput): void {
    // The clock acts as `system` inside the workflow only; an Update claiming it comes from outside the API (someone
    // with access to Temporal), and is refused before it reaches history (SECURITY.md "Temporal").
    if (req.actor?.role === 'system' || !PEOPLE_ROLES.has(req.actor?.role))
      reject('actor.forbidden', '不接受系统身份的外部操作 (no action from outside the loop may act as the system)');
    // Who may see the case is decided here, from the state, which knows every handler the case has had.
    if (!maySee(req.actor, this.state)) reject('case.not_visible', '工单不存在 (case not found)');
    if (this.applied.has(req.requestId)) return;
    if (req.action?.type !== type) reject('case.invalid', `action.type must be "${type}"`);
    const d = decide(this.state, req.action, req.actor, Date.now());
    if (!d.ok) reject(d.code, d.reason);
    const settles = coComplainantSettles(req.actor, this.state, req.action);
    if (settles) reject('case.co_complainant_settles', settles);
  }

  /** The Update handler: applies the action and answers once its events are in Postgres. */
  async act(req: ActionInput): Promise<ActionResult> {
    const prior = this.applied.get(req.requestId);
    if (prior) return prior;
    const d = decide(this.state, req.action, req.actor, Date.now());
    if (!d.ok) return reject(d.code, d.reason);
    const events = this.commit(d.events, req.actor, req.requestId);
    const s = this.state;
    const result: ActionResult = {
      caseId: s.caseId,
      status: s.status,
      stage: stageOf(s),
      level: s.level,
      seq: s.seq,
      events: events.map((e) => ({ seq: e.seq, type: e.type })),
    };
    this.applied.set(req.requestId, result);
    await this.writer.written(s.seq);
    return result;
  }

  /** A resident of a merged case joins this one; a signal never throws, and a repeat changes nothing. */
  join(j: ComplainantJoined): void {
    if (!this.isOpen() || this.state.coComplainants.includes(j.residentUserId)) return;
    this.commit([{ type: 'complainant_joined', ...j }], SYSTEM_ACTOR);
  }

  /** A new calendar: running deadlines still ahead move to it, and the timeline says from when to when and why. */
  recalculate(change: CalendarChanged): void {
    const event = recalculation(this.state, change, Date.now());
    if (event) this.commit([event], SYSTEM_ACTOR);
  }

  /** Applies what the clock decided at `now`, a bounded number of steps (each breach climbs one rung). */
  tick(now: number): void {
    for (let i = 0; i < 8; i++) {
      const due = timerEvents(this.state, now);
      if (due.length === 0) return;
      this.commit(due, SYSTEM_ACTOR);
    }
  }

  private commit(bodies: CaseEventBody[], actor: CaseEvent['actor'], requestId?: string): CaseEvent[] {
    const stamped = stamp(this.state, bodies, actor, Date.now(), requestId);
    this.state = stamped.state;
    this.writer.push(stamped.events);
    return stamped.events;
  }

  /** One batch, with the projection as of the state now (its last event's, or later in the same activation). */
  private async record(batch: CaseEvent[]): Promise<void> {
    try {
      await recordEvents({ caseId: this.state.caseId, events: batch, projection: projectCase(this.state) });
    } catch (err) {
      // A write that can never succeed is reported by the activity (log line, metric); the case keeps its clock.
      if (!(err instanceof ActivityFailure)) throw err;
      log.error('case events could not be written', {
        caseId: this.state.caseId,
        fromSeq: batch[0].seq,
        toSeq: batch[batch.length - 1].seq,
        error: err.cause?.message,
      });
    }
  }
}
