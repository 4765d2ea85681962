// Temporal is not a way around the API (SECURITY.md "Temporal"): an Update sent straight to a case's workflow —
// as `temporal workflow update execute … --name close --input '{"actor":{"role":"system",…}}'` would — claiming the
// `system` role, or a role no person holds, is refused by the validator before anything reaches history.
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { SYSTEM_ACTOR } from '../../domain/actions';
import { actionUpdates, workflowIdFor } from '../../workflows/messages';
import { actors, eventually, loop } from '../helpers/cases';
import { useLoopSuite } from '../helpers/loop-suite';

const suite = useLoopSuite();

const sendUpdate = (caseId: string, actor: unknown) =>
  suite()
    .t.client.workflow.getHandle(workflowIdFor(caseId))
    .executeUpdate(actionUpdates.close, {
      args: [
        {
          requestId: randomUUID(),
          actor: actor as typeof SYSTEM_ACTOR,
          action: { type: 'close', reason: '直接关闭', ground: 'resident_withdrew' } as never,
        },
      ],
    });

test('an Update claiming the system role is refused, and the case goes on as before', async () => {
  const l = loop(suite().t, suite().pool);
  const filed = await l.file();
  await eventually(async () => (await l.row(filed.caseId))?.status === 'dispatched');
  const before = await l.events(filed.caseId);

  const refused = await sendUpdate(filed.caseId, SYSTEM_ACTOR).catch((err: unknown) => err);
  expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
  expect((refused as WorkflowUpdateFailedError).cause).toMatchObject({ type: 'actor.forbidden' });
  // A made-up role is refused the same way; so is an actor with no role at all.
  await expect(sendUpdate(filed.caseId, { userId: 'x', role: 'root', organizationId: null })).rejects.toMatchObject({
    cause: { type: 'actor.forbidden' },
  });
  await expect(sendUpdate(filed.caseId, {})).rejects.toMatchObject({ cause: { type: 'actor.forbidden' } });

  expect(await l.events(filed.caseId)).toEqual(before);
  // The handler still acts through the ordinary path.
  const acked = await l.act(filed.caseId, actors.handler1, { type: 'acknowledge' });
  expect(acked.status).toBe('acknowledged');
});
