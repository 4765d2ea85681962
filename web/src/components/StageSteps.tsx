// The loop's four stages as a step bar: 民意收集 → 响应处理 → 跟踪督促 → 评估评价. Drawn here rather than with
// antd Steps, whose fixed label widths do not fit four steps on a 375 px phone. A step is ticked only when it was
// done: a handler that missed its deadline gets a ✕ on 响应处理 even while the case has moved on to 督办.
import { CheckOutlined, CloseOutlined } from '@ant-design/icons';
import type { CaseSummary, Stage } from '../api/types';
import { useI18n } from '../i18n';
import { outcomeLabel, STAGES, stageLabel } from '../lib/labels';
import './stage-steps.css';

type StepState = 'done' | 'current' | 'error' | 'todo';
type Steppable = Pick<CaseSummary, 'stage' | 'status' | 'overdue' | 'outcome' | 'deadlines'>;

/** Each stage's state. `missed`: a response or resolution deadline of the current round was breached. */
export function stepStates(c: Steppable, missed: boolean): Record<Stage, StepState> {
  const resolved =
    c.status === 'resolved' ||
    (c.status === 'closed' &&
      c.stage === 'closed' &&
      c.outcome !== 'withdrawn' &&
      c.outcome !== 'merged' &&
      c.outcome !== 'closed_by_supervisor');
  const late =
    missed ||
    c.overdue ||
    c.deadlines.some((d) => (d.kind === 'response' || d.kind === 'resolution') && d.breachedAt !== null);
  const at = c.stage === 'closed' ? STAGES.length : STAGES.indexOf(c.stage);
  const past = (s: Stage) => STAGES.indexOf(s) < at;
  const respond: StepState = resolved
    ? 'done'
    : late
      ? 'error'
      : c.stage === 'respond' || c.stage === 'follow_up'
        ? 'current'
        : past('respond')
          ? 'done'
          : 'todo';
  return {
    collect: c.stage === 'collect' ? 'current' : 'done',
    respond,
    follow_up: c.stage === 'follow_up' ? 'current' : resolved && past('follow_up') ? 'done' : 'todo',
    evaluate: c.stage === 'evaluate' ? 'current' : c.stage === 'closed' && resolved ? 'done' : 'todo',
    closed: 'todo',
  };
}

export function StageSteps({ c, missed = false }: { c: Steppable; missed?: boolean }) {
  const { t } = useI18n();
  const states = stepStates(c, missed);
  const current = STAGES.indexOf(c.stage);
  return (
    <ol className="rs-steps" aria-label={t('case.stage')} data-stage={c.stage}>
      {STAGES.map((s, i) => {
        const state = states[s];
        return (
          <li
            key={s}
            className={`rs-step rs-step-${state}`}
            aria-current={i === current ? 'step' : undefined}
            data-step={s}
            data-state={state}
          >
            <span className="rs-step-dot" aria-hidden="true">
              {state === 'done' ? <CheckOutlined /> : state === 'error' ? <CloseOutlined /> : i + 1}
            </span>
            <span className="rs-step-label">{stageLabel(t, s)}</span>
            {state === 'error' && <span className="rs-step-note rs-step-note-missed">{t('stage.missed')}</span>}
            {c.stage === 'closed' && i === STAGES.length - 1 && c.outcome && (
              <span className="rs-step-note">{outcomeLabel(t, c.outcome)}</span>
            )}
          </li>
        );
      })}
    </ol>
  );
}
