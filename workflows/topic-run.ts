// One governance topic's state inside its workflow, and its event writer, as CaseRun is the case's: decisions come
// from domain/topic.ts, this class orders them, applies them and writes what happened, in seq order.
import { ApplicationFailure, patched, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { SYSTEM_ACTOR, type Actor } from '../domain/actions';
import type { TopicActionResult, TopicActionType, TopicEvent, TopicEventBody, TopicState } from '../domain/topic';
import { decideTopic, openTopic, stampTopic, topicTimerEvents, topicWakeUp } from '../domain/topic';
import { EventWriter } from './event-writer';
import type { TopicActionInput, TopicWorkflowInput } from './messages';
import { PATCHES } from './patches';

// A local activity, as the case's: an Update is answered in one workflow task, once its events are in Postgres.
const { recordTopicEvents } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

const reject = (type: string, message: string): never => {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
};

export class TopicRun {
  state: TopicState;
  readonly applied: Map<string, TopicActionResult>;
  private readonly writer: EventWriter<TopicEvent>;

  constructor(input: TopicWorkflowInput) {
    this.state = input.state ?? openTopic(input.opening);
    this.applied = new Map(input.applied ?? []);
    this.writer = new EventWriter(this.state.seq, (events) => recordTopicEvents({ events, state: this.state }));
  }

  get idle(): boolean {
    return this.writer.idle;
  }

  /** Whether a breach is followed by 督办 (the `topic-supervision` patch): histories from before it replay without. */
  private get supervised(): boolean {
    return patched(PATCHES.topicSupervision.id);
  }

  /** When the clock next has something to do, or null. */
  wakeUp(): number | null {
    return topicWakeUp(this.state, this.supervised);
  }

  /** Refuses before anything reaches history; the clock alone acts as `system`. */
  validate(type: TopicActionType, req: TopicActionInput): void {
    if (!req.actor || req.actor.role === 'system')
      reject('topic.forbidden', '不接受系统身份的外部操作 (no system actor)');
    if (this.applied.has(req.requestId)) return;
    if (req.action?.type !== type) reject('topic.invalid', `action.type must be "${type}"`);
    const d = decideTopic(this.state, req.action, req.actor, Date.now());
    if (!d.ok) reject(d.code, d.reason);
  }

  async act(req: TopicActionInput): Promise<TopicActionResult> {
    const prior = this.applied.get(req.requestId);
    if (prior) return prior;
    const d = decideTopic(this.state, req.action, req.actor, Date.now());
    if (!d.ok) return reject(d.code, d.reason);
    const events = this.commit(d.events, req.actor, req.requestId);
    const result: TopicActionResult = {
      topicId: this.state.topicId,
      status: this.state.status,
      seq: this.state.seq,
      events: events.map((e) => ({ seq: e.seq, type: e.type })),
    };
    this.applied.set(req.requestId, result);
    await this.writer.written(this.state.seq);
    return result;
  }

  /** Applies what the clock decided at `now`: each span reminds, then breaches, at most once per step. */
  tick(now: number): void {
    for (let i = 0; i < 8; i++) {
      const due = topicTimerEvents(this.state, now, this.supervised);
      if (due.length === 0) return;
      this.commit(due, SYSTEM_ACTOR);
    }
  }

  private commit(bodies: TopicEventBody[], actor: Actor, requestId?: string): TopicEvent[] {
    const stamped = stampTopic(this.state, bodies, actor, Date.now(), requestId);
    this.state = stamped.state;
    this.writer.push(stamped.events);
    return stamped.events;
  }
}
