// The worker bundles this file: every workflow type the task queue serves.
export { caseWorkflow } from './case-workflow';
export { assessmentWorkflow } from './assessment-workflow';
export { calendarChangeWorkflow } from './calendar-change-workflow';
export { topicWorkflow } from './topic-workflow';
