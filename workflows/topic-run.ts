// One governance topic's state inside its workflow, and its event writer, as CaseRun is the case's: decisions come
// from domain/topic.ts, this class orders them, applies them and writes what happened, in seq order.
import { ApplicationFailure, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { SYSTEM_ACTOR, type Actor } from '../domain/actions';
import type { TopicActionResult, TopicActionType, TopicEvent, TopicEventBody, TopicState } from '../domain/topic';
import { decideTopic, openTopic, stampTopic, topicTimerEvents } from '../domain/topic';
import type { TopicActionInput, TopicWorkflowInput } from './messages';

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
  private unwritten: TopicEvent[] = [];
  private writing = false;
  private waiting: { seq: number; done: () => void }[] = [];
  private writtenSeq: number;

  constructor(input: TopicWorkflowInput) {
    this.state = input.state ?? openTopic(input.opening);
    this.applied = new Map(input.applied ?? []);
    this.writtenSeq = this.state.seq;
  }

  get idle(): boolean {
    return !this.writing && this.unwritten.length === 0;
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
    await this.written(this.state.seq);
    return result;
  }

  /** Applies what the clock decided at `now`: each span reminds, then breaches, at most once per step. */
  tick(now: number): void {
    for (let i = 0; i < 8; i++) {
      const due = topicTimerEvents(this.state, now);
      if (due.length === 0) return;
      this.commit(due, SYSTEM_ACTOR);
    }
  }

  private commit(bodies: TopicEventBody[], actor: Actor, requestId?: string): TopicEvent[] {
    const stamped = stampTopic(this.state, bodies, actor, Date.now(), requestId);
    this.state = stamped.state;
    this.unwritten.push(...stamped.events);
    if (!this.writing && stamped.events.length > 0) {
      this.writing = true;
      void Promise.resolve().then(() => this.drain());
    }
    return stamped.events;
  }

  private written(seq: number): Promise<void> {
    if (seq <= this.writtenSeq) return Promise.resolve();
    return new Promise((done) => this.waiting.push({ seq, done }));
  }

  private async drain(): Promise<void> {
    while (this.unwritten.length > 0) {
      const batch = this.unwritten;
      this.unwritten = [];
      const last = batch[batch.length - 1].seq;
      await recordTopicEvents({ events: batch, state: this.state });
      this.writtenSeq = last;
      while (this.waiting.length > 0 && this.waiting[0].seq <= last) this.waiting.shift()!.done();
    }
    this.writing = false;
  }
}
