// One durable workflow per governance topic (治理专题), in the shape of caseWorkflow: handlers first (one Update per
// action, each with a validator; the status Query), then a main loop that aims the deadline timer at the next
// reminder or due, lets the clock act, and ends once the topic is closed and its events are written.
// The rules are domain/topic.ts; TopicRun (topic-run.ts) holds the state and writes its events in seq order.
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { TOPIC_ACTION_TYPES } from '../domain/topic';
import { DeadlineTimer } from './deadline-timer';
import type { TopicActionInput, TopicWorkflowInput } from './messages';
import { topicActionUpdates, topicStatusQuery } from './messages';
import { TopicRun } from './topic-run';

export async function topicWorkflow(input: TopicWorkflowInput): Promise<{ topicId: string; seq: number }> {
  const run = new TopicRun(input);
  for (const type of TOPIC_ACTION_TYPES) {
    const update = topicActionUpdates[type] as (typeof topicActionUpdates)['add_progress'];
    setHandler(update, (req: TopicActionInput) => run.act(req), {
      validator: (req: TopicActionInput) => run.validate(type, req),
    });
  }
  setHandler(topicStatusQuery, () => run.state);

  const timer = new DeadlineTimer();
  while (run.state.status === 'open') {
    timer.set(run.wakeUp());
    const seen = run.state.seq;
    await condition(() => run.state.seq !== seen || timer.fired || workflowInfo().continueAsNewSuggested);
    timer.fired = false;
    run.tick(Date.now());
    if (workflowInfo().continueAsNewSuggested && run.state.status === 'open') {
      await condition(() => allHandlersFinished() && run.idle);
      await continueAsNew<typeof topicWorkflow>({
        opening: input.opening,
        state: run.state,
        applied: [...run.applied],
      });
    }
  }
  await condition(() => allHandlersFinished() && run.idle);
  return { topicId: run.state.topicId, seq: run.state.seq };
}
