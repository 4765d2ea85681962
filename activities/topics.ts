// The topic workflow's one activity: its events, projection, accountability records and notices in one statement,
// idempotent by topic id + seq (a breach's record is keyed `topic:<id>:<seq>`, so a retry or a replay after a worker
// restart writes it once). Who hears of what is decided here, as activities/notifications.ts does for cases.
import type { Pool } from 'pg';
import { cstDateTime } from '../domain/calendar';
import type { TopicEvent, TopicState } from '../domain/topic';
import { projectTopic } from '../domain/topic';
import type { OutboxEntry } from '../db/queries/case-events';
import { recordTopicEvents, type AccountabilityEntry } from '../db/queries/topics';

export interface RecordTopicEventsInput {
  events: TopicEvent[];
  /** The topic after these events: its projection, and who hears of them. */
  state: TopicState;
}

const taskOf = (s: TopicState, taskId: string | null) => s.tasks.find((t) => t.id === taskId) ?? null;

/** A breach after the span's own due: a missed 督办 due of a supervised span. */
const missedSupervision = (s: TopicState, e: Extract<TopicEvent, { type: 'breached' }>): boolean =>
  e.dueAt !== (taskOf(s, e.taskId) ?? s).dueAt;

/** The organisations told of an event, and the notice template. */
function recipientsOf(s: TopicState, e: TopicEvent): [string[], string] {
  switch (e.type) {
    case 'opened':
      return [[s.ownerOrgId, ...s.tasks.map((t) => t.ownerOrgId)], 'topic_opened'];
    case 'reminder_sent':
      return [[e.organizationId], 'topic_reminder'];
    case 'breached':
      // Known along the chain, as a case's breach: who missed it, the supervisor, and the rung above it.
      return [
        [e.organizationId, s.supervisorChain[0], ...(e.escalatedToOrgId ? [e.escalatedToOrgId] : [])],
        missedSupervision(s, e) ? 'topic_supervision_missed' : 'topic_breach',
      ];
    case 'closed':
      return [[s.ownerOrgId, ...s.tasks.map((t) => t.ownerOrgId), s.supervisorChain[0]], 'topic_closed'];
    default:
      return [[], ''];
  }
}

export function topicNotices(s: TopicState, events: TopicEvent[]): OutboxEntry[] {
  return events.flatMap((e) => {
    const [orgs, template] = recipientsOf(s, e);
    const task = 'taskId' in e ? taskOf(s, e.taskId) : null;
    return [...new Set(orgs)].map((organizationId) => ({
      dedupeKey: `topic:${s.topicId}:${e.seq}:${organizationId}`,
      channel: 'in_app',
      recipient: { organizationId },
      template,
      // The title (and a task's) fill the notice's text; the topic page behind its own scope shows the rest.
      payload: {
        topicId: s.topicId,
        seq: e.seq,
        type: e.type,
        title: s.title,
        taskZh: task ? `的任务「${task.title}」` : '',
        taskEn: task ? `task "${task.title}"` : '',
        ...(e.type === 'breached' && e.superviseDueAt !== undefined
          ? { next: cstDateTime(e.superviseDueAt).slice(0, 16) }
          : {}),
      },
    }));
  });
}

export function topicAccountability(s: TopicState, events: TopicEvent[]): AccountabilityEntry[] {
  return events.flatMap((e) => {
    if (e.type !== 'breached') return [];
    const task = taskOf(s, e.taskId);
    const what = task ? `治理专题「${s.title}」的任务「${task.title}」` : `治理专题「${s.title}」`;
    const reason = missedSupervision(s, e)
      ? `${what}督办期限已过仍未${task ? '完成' : '结束'} (not done by the 督办 due after its breach)`
      : task
        ? `${what}逾期未完成 (topic task not done by its due date)`
        : `${what}逾期未结束 (topic not closed by its due date)`;
    // The level is the rung the breach was told to: the street above a community's topic, as a case climbs.
    const levelOrgId = e.escalatedToOrgId ?? s.supervisorChain[0];
    return [{ organizationId: e.organizationId, reason, levelOrgId, dedupeKey: `topic:${s.topicId}:${e.seq}` }];
  });
}

export function createTopicActivities({ pool }: { pool: Pool }) {
  return {
    async recordTopicEvents(input: RecordTopicEventsInput): Promise<void> {
      const s = input.state;
      await recordTopicEvents(pool, {
        topicId: s.topicId,
        events: input.events,
        projection: projectTopic(s),
        accountability: topicAccountability(s, input.events),
        notifications: topicNotices(s, input.events),
      });
    },
  };
}

export type TopicActivities = ReturnType<typeof createTopicActivities>;
