// What happened to a governance topic, in order, in plain words: opened, reminders, breaches (who missed them, who
// they were reported to and, under 督办, the next due), tasks done, progress notes, closed. Organisations by name
// and role; nothing personal.
import { Timeline, Typography } from 'antd';
import { useI18n } from '../i18n';
import type { Topic } from '../lib/governance';
import { formatDateTime } from '../lib/time';

type Entry = Topic['timeline'][number];

export function TopicTimeline({ topic }: { topic: Topic }) {
  const { t, lang, name } = useI18n();
  const taskTitle = (id: string | null) => topic.taskList.find((x) => x.id === id)?.title ?? '';
  // A breach after an earlier one of the same span is a missed 督办 due.
  const missedBefore = (e: Entry) =>
    topic.timeline.some((b) => b.type === 'breached' && b.seq < e.seq && b.taskId === e.taskId);
  const line = (e: Entry): string => {
    const who = name(e.organization);
    const about = name(e.about);
    const target = e.taskId ? t('topic.ofTask', { task: taskTitle(e.taskId) }) : t('topic.ofTopic');
    const note = e.note ?? '';
    switch (e.type) {
      case 'reminder_sent':
        return t('topic.ev.reminder_sent', { org: about, target });
      case 'breached': {
        const up = e.escalatedTo ? name(e.escalatedTo) : t('topic.upOneLevel');
        if (!e.superviseDueAt) return t('topic.ev.breached', { org: about, target, up });
        const next = formatDateTime(e.superviseDueAt, lang);
        return t(missedBefore(e) ? 'topic.ev.supervisionMissed' : 'topic.ev.breachedSupervised', {
          org: about,
          target,
          up,
          next,
        });
      }
      case 'task_completed':
        return t('topic.ev.task_completed', { org: who, task: taskTitle(e.taskId), note });
      case 'progress_added':
        return t('topic.ev.progress_added', { org: who, note });
      case 'closed':
        return t('topic.ev.closed', { org: who, summary: note }) + (e.reason ? `（${e.reason}）` : '');
      case 'opened':
        return t('topic.ev.opened', { org: who });
      default:
        return `${e.type} ${who}`;
    }
  };
  return (
    <Timeline
      items={[...topic.timeline].reverse().map((e) => ({
        key: e.seq,
        color: e.type === 'breached' ? 'red' : e.type === 'closed' ? 'green' : 'blue',
        children: (
          <div data-event={e.type}>
            <Typography.Text>{line(e)}</Typography.Text>
            <br />
            <Typography.Text type="secondary">{formatDateTime(e.at, lang)}</Typography.Text>
          </div>
        ),
      }))}
    />
  );
}
