// What the bench worker bundles: the real case workflow and the bare baselines, on one task queue.
export { caseWorkflow } from '../workflows/case-workflow';
export { emptyWorkflow, bareLoopWorkflow, bareTimerWorkflow } from './workflows';
