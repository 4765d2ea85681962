// Words for the API's enum values, and the colours the app gives them. Colours are chosen from antd's preset
// palette at strengths that keep WCAG AA contrast on their light backgrounds.
import type { MessageKey, Translate } from '../i18n';
import type { ActionPath, CaseSummary, Level, Outcome, Stage, Status } from '../api/types';

export const STAGES: Stage[] = ['collect', 'respond', 'follow_up', 'evaluate'];
export const ALL_STATUSES: Status[] = ['submitted', 'dispatched', 'acknowledged', 'returned', 'resolved', 'closed'];
export const LEVELS: Level[] = [
  'community_committee',
  'street_committee',
  'organization_department',
  'functional_department',
];

export const stageLabel = (t: Translate, s: Stage) => t(`stage.${s}` as MessageKey);
export const statusLabel = (t: Translate, s: Status) => t(`status.${s}` as MessageKey);
export const levelLabel = (t: Translate, l: Level) => t(`level.${l}` as MessageKey);
export const outcomeLabel = (t: Translate, o: Outcome) => t(`outcome.${o}` as MessageKey);
export const deadlineLabel = (t: Translate, k: string) => t(`deadline.${k}` as MessageKey);
export const groundLabel = (t: Translate, g: string) => t(`ground.${g}` as MessageKey);
export const actionLabel = (t: Translate, a: ActionPath) => t(`action.${a.replace(/-/g, '_')}` as MessageKey);

export const STATUS_COLOR: Record<Status, string> = {
  submitted: 'default',
  dispatched: 'orange',
  acknowledged: 'blue',
  returned: 'purple',
  resolved: 'cyan',
  closed: 'default',
};

export const LEVEL_COLOR: Record<Level, string> = {
  community_committee: 'default',
  street_committee: 'gold',
  organization_department: 'volcano',
  functional_department: 'magenta',
};

export function caseStatusColor(c: Pick<CaseSummary, 'status' | 'overdue'>): string {
  return c.overdue ? 'red' : STATUS_COLOR[c.status];
}
