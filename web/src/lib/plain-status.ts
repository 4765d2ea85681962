// One plain sentence at the top of a case: who must do what by when, and what happens if they do not; after a
// missed deadline, what the loop did about it and why. Pure (the case, a translator, the language): the case page
// draws it and test/web/plain-status.test.ts reads it for every status, stage and level it handles.
import type { CaseDetail, Deadline, Level, TimelineEntry } from '../api/types';
import type { MessageKey } from '../i18n/zh';

// As in i18n/index.tsx, restated so the root (test) type-check, which has no JSX, need not read that file.
type Lang = 'zh' | 'en';
type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export type PlainCase = Pick<
  CaseDetail,
  | 'status'
  | 'stage'
  | 'level'
  | 'outcome'
  | 'overdue'
  | 'handler'
  | 'supervisor'
  | 'pendingExtension'
  | 'pendingRequest'
  | 'pausedSince'
  | 'mergedInto'
  | 'awaitingVerification'
  | 'counts'
  | 'timeline'
> & { deadlines: Pick<Deadline, 'kind' | 'dueAt' | 'breachedAt'>[] };

export interface PlainStatus {
  tone: 'info' | 'warning' | 'error' | 'success';
  text: string;
}

const CST_MS = 8 * 3600_000;
/** The ladder a missed deadline climbs (domain/ladder.ts), the functional department last. */
export const LADDER: Level[] = [
  'community_committee',
  'street_committee',
  'organization_department',
  'functional_department',
];

/** A due moment as people say it: "12月8日 18:00" / "8 Dec 18:00", with seconds only when it has them (demo terms). */
export function shortMoment(iso: string | number, lang: Lang): string {
  const d = new Date(new Date(iso).getTime() + CST_MS);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = d.getUTCSeconds();
  const clock = `${hh}:${mm}${ss ? `:${String(ss).padStart(2, '0')}` : ''}`;
  if (lang === 'zh') return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${clock}`;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  return `${d.getUTCDate()} ${month} ${clock}`;
}

type Moves = Extract<TimelineEntry['type'], string>;
const MOVES = new Set<Moves>(['escalated', 'forwarded', 'taken_over', 'dispatched']);

/** The latest move of the case up the ladder or to another handler, if it had a reason (a first dispatch has none). */
function lastMove(timeline: PlainCase['timeline']): TimelineEntry | undefined {
  for (let i = timeline.length - 1; i >= 0; i--) {
    const e = timeline[i];
    if (MOVES.has(e.type) && typeof e.payload.reason === 'string' && e.payload.reason) return e;
  }
  return undefined;
}

/** The loop's own reasons ("resolution deadline missed") in words; typed ones in the reader's half of "中文 (English)". */
function reasonWords(reason: string, t: Translate, lang: Lang): string {
  const missed = /^(response|resolution) deadline missed$/.exec(reason);
  if (missed) return t('event.missedDeadline', { deadline: t(`deadline.${missed[1]}` as MessageKey) });
  const pair = /^(.*[\u4e00-\u9fff].*?)\s*\(([^()]*[A-Za-z][^()]*)\)$/.exec(reason.trim());
  return pair ? (lang === 'zh' ? pair[1] : pair[2]) : reason;
}

/**
 * Why the case moved. The ladder's own moves (automatic) carry a whole sentence that says the move too; the missed
 * deadline of the breach just before is what the line needs. A person's reason is shown as they wrote it.
 */
function moveReason(move: TimelineEntry, timeline: PlainCase['timeline'], t: Translate, lang: Lang): string {
  if (move.payload.automatic === true) {
    const breach = timeline
      .slice(0, timeline.indexOf(move))
      .reverse()
      .find((e) => e.type === 'breached');
    const kind = breach?.payload.deadline;
    if (kind === 'response' || kind === 'resolution' || kind === 'decision')
      return t('event.missedDeadline', { deadline: t(`deadline.${kind}`) });
  }
  return reasonWords(String(move.payload.reason), t, lang);
}

/** The rung a missed deadline sends the case to next (the functional department is the last). */
function nextLevel(level: Level): Level | null {
  const i = LADDER.indexOf(level);
  return i >= 0 && i < LADDER.length - 1 ? LADDER[i + 1] : null;
}

export function plainStatus(
  c: PlainCase,
  t: Translate,
  lang: Lang,
  orgName: (id: string) => string = (id) => id,
): PlainStatus {
  const line = sentence(c, t, lang, orgName);
  return { ...line, text: line.text.charAt(0).toUpperCase() + line.text.slice(1) };
}

function sentence(c: PlainCase, t: Translate, lang: Lang, orgName: (id: string) => string): PlainStatus {
  const name = (o: { nameZh: string; nameEn: string } | null) => (o ? (lang === 'zh' ? o.nameZh : o.nameEn) : '');
  const handler = name(c.handler) || t('plain.theHandler');
  const supervisor = name(c.supervisor) || t(`level.${c.level}` as MessageKey);
  const due = (kind: string) => {
    const d = c.deadlines.find((x) => x.kind === kind);
    return d ? shortMoment(d.dueAt, lang) : '';
  };
  const next = nextLevel(c.level);
  const ifLate = next ? t('plain.ifLate', { level: t(`level.${next}` as MessageKey) }) : t('plain.ifLateTop');

  if (c.status === 'closed') return closedLine(c, t);
  if (c.pendingRequest) {
    const key = c.pendingRequest.kind === 'return' ? 'plain.pendingReturn' : 'plain.pendingPause';
    return { tone: 'warning', text: t(key, { handler, supervisor, at: due('decision') || '—' }) };
  }
  if (c.pausedSince)
    return { tone: 'info', text: t('plain.paused', { handler, at: shortMoment(c.pausedSince, lang) }) };
  if (c.status === 'resolved') {
    const at = due('evaluation');
    return { tone: 'info', text: at ? t('plain.evaluate', { handler, at }) : t('plain.evaluateNoDue', { handler }) };
  }

  // Why the case is where it is: the latest move with a reason, said before what happens next.
  const move = lastMove(c.timeline);
  const reason = move ? moveReason(move, c.timeline, t, lang) : '';
  let why = '';
  if (move?.type === 'escalated' || move?.type === 'taken_over')
    why = t('plain.escalated', { reason, level: t(`level.${c.level}` as MessageKey), supervisor });
  else if (move?.type === 'forwarded')
    why = t('plain.forwarded', { reason, department: orgName(String(move.payload.departmentOrgId)) || handler });
  else if (move?.type === 'dispatched') why = t('plain.rerouted', { reason, handler });

  const pendingAt = (c.pendingExtension as { deadline?: string } | null)?.deadline;
  const extension = pendingAt ? t('plain.extensionPending', { supervisor }) : '';
  const running = c.deadlines.find((d) => (d.kind === 'response' || d.kind === 'resolution') && d.breachedAt);
  if (c.overdue || running) {
    const missed = t(
      `deadline.${running?.kind ?? (c.status === 'dispatched' ? 'response' : 'resolution')}` as MessageKey,
    );
    return {
      tone: 'error',
      text:
        why +
        t('plain.late', { handler, deadline: missed, next: next ? t(`level.${next}` as MessageKey) : supervisor }) +
        extension,
    };
  }
  let what: string;
  if (c.status === 'submitted') what = t('plain.submitted');
  else if (c.status === 'dispatched')
    what = t('plain.dispatched', { handler, respond: due('response') || '—', resolve: due('resolution') || '—' });
  else if (c.counts.reopen > 0) what = t('plain.rework', { handler, resolve: due('resolution') || '—' });
  else what = t('plain.acknowledged', { handler, resolve: due('resolution') || '—' });
  const tone = why ? 'warning' : 'info';
  return { tone, text: why + what + (c.status === 'submitted' ? '' : ifLate) + extension };
}

function closedLine(c: PlainCase, t: Translate): PlainStatus {
  switch (c.outcome) {
    case 'satisfied':
    case 'basically_satisfied':
      return { tone: 'success', text: t('plain.closedSatisfied', { outcome: t(`outcome.${c.outcome}`) }) };
    case 'not_evaluated':
      return { tone: 'info', text: t('plain.closedNotEvaluated') };
    case 'withdrawn':
      return { tone: 'info', text: t('plain.closedWithdrawn') };
    case 'merged':
      return { tone: 'info', text: t('plain.closedMerged') };
    case 'unsatisfied_unreasonable':
      return { tone: 'info', text: t('plain.closedUnreasonable') };
    case 'closed_by_supervisor':
      return { tone: 'info', text: t('plain.closedBySupervisor') };
    default:
      return {
        tone: 'info',
        text: t('plain.closed', { outcome: c.outcome ? t(`outcome.${c.outcome}` as MessageKey) : '' }),
      };
  }
}
