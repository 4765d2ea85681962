// Replay: histories of finished cases recorded from released versions of caseWorkflow (test/replay/histories/*.json,
// committed) must replay on the current code; a change that would break running cases fails here. The corpus holds
// one history per rule family of the loop, the assessment workflow and a run that continued as new, and each later
// release's histories of what it changed. Record with RS_RECORD_HISTORIES=1 npx jest test/replay, optionally
// RS_RECORD_ONLY=<scenario,…> (workflows/README.md, "Versioning"). The corpus is replayed on the bundle the build
// makes (scripts/build-workflow-bundle.ts): the file the compiled worker loads.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { runScript } from '../helpers/processes';
import { findTemporalCli } from '../../scripts/temporal-cli';
import { DEMO, DEMO_USERS } from '../../db/seed-data';
import type { Actor } from '../../domain/actions';
import { actors, eventually, loop } from '../helpers/cases';
import { useLoopSuite } from '../helpers/loop-suite';
import { actionUpdates, addInformationUpdate } from '../../workflows/messages';
import { assessmentWorkflow } from '../../workflows/assessment-workflow';
import { addCalendarDays, createCalendar, cstDate } from '../../domain/calendar';
import { calendarDataFor } from '../../domain/holidays';
import { announceCalendarChange } from '../../services/calendar-changes';
import { openTopicFor, performTopicAction } from '../../services/topics';

const DIR = path.join(__dirname, 'histories');
const RECORD = process.env.RS_RECORD_HISTORIES === '1';
/** The release whose histories a recording run writes; files of earlier releases stay beside them. */
const RELEASE = '0.5.0';
const ONLY = process.env.RS_RECORD_ONLY?.split(',');
const suite = useLoopSuite({
  response: 2,
  resolution: 8,
  evaluation: 2,
  fairness: {
    decisionTime: { unit: 'seconds', amount: 2 },
    maxPause: { unit: 'seconds', amount: 3 },
    topRungCadence: { unit: 'seconds', amount: 2 },
    noticeAfter: 2,
    extensionMaxTotal: { unit: 'seconds', amount: 10 },
  },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const resident3: Actor = { userId: DEMO_USERS.resident3, role: 'resident', organizationId: null };

(RECORD ? test : test.skip)('record one history per rule family from this release', async () => {
  const l = loop(suite().t, suite().pool);
  const untilRow = (caseId: string, ok: (row: Record<string, unknown>) => boolean) =>
    eventually(async () => ok(await l.row(caseId)), 60_000, 100);
  const runs: Record<string, () => Promise<{ caseId?: string; workflowId: string; runId?: string }>> = {
    'happy-path': async () => {
      const { caseId } = await l.file();
      await l.act(caseId, actors.handler1, { type: 'acknowledge' });
      await l.act(caseId, actors.community1, { type: 'assign_follow_up' });
      await l.act(caseId, actors.member1, { type: 'record_follow_up', findings: '已核实' });
      await l.act(caseId, actors.handler1, { type: 'resolve', summary: '已修复' });
      await l.act(caseId, actors.resident1, { type: 'evaluate', satisfaction: 'satisfied', solved: true });
      return { workflowId: `case-${caseId}` };
    },
    'return-undecided-then-rerouted': async () => {
      const { caseId } = await l.file({ categoryCode: 'greenery' });
      await l.act(caseId, actors.handler1, { type: 'acknowledge' });
      await l.act(caseId, actors.handler1, { type: 'return', reason: '非物业职责' });
      // The community stays silent: its own breach, and the street decides.
      await untilRow(caseId, (r) => r.level === 'street_committee');
      await l.act(caseId, actors.street1, {
        type: 'decide_return',
        decision: 'reroute',
        handlerOrgId: DEMO.ownersCommitteeOrgId,
        reason: '转业委会',
      });
      await l.act(caseId, actors.owners1, { type: 'acknowledge' });
      await l.act(caseId, actors.resident1, { type: 'withdraw', reason: '已解决' });
      return { workflowId: `case-${caseId}` };
    },
    'extension-deemed-approved-and-pause': async () => {
      const { caseId } = await l.file();
      await l.act(caseId, actors.handler1, { type: 'acknowledge' });
      await l.act(caseId, actors.handler1, {
        type: 'request_extension',
        deadline: 'resolution',
        extendBy: { unit: 'seconds', amount: 3 },
        reason: '等配件',
      });
      await untilRow(caseId, (r) => r.pending_extension === null);
      await l.act(caseId, actors.handler1, { type: 'request_pause', reason: '住户不在家' });
      await l.act(caseId, actors.community1, { type: 'decide_pause', approve: true });
      await l.act(caseId, actors.resident1, { type: 'add_information', text: '明天上午在家' });
      await l.act(caseId, actors.handler1, { type: 'resolve', summary: '已修复' });
      await l.act(caseId, actors.resident1, { type: 'evaluate', satisfaction: 'basically_satisfied', solved: true });
      return { workflowId: `case-${caseId}` };
    },
    'ladder-to-the-top-rung-and-notice': async () => {
      const { caseId } = await l.file({ categoryCode: 'noise' });
      await untilRow(caseId, (r) => r.publicly_noticed === true);
      await l.act(caseId, actors.handler1, { type: 'acknowledge' });
      await l.act(caseId, actors.handler1, { type: 'resolve', summary: '已处理' });
      await untilRow(caseId, (r) => r.status === 'closed');
      return { workflowId: `case-${caseId}` };
    },
    'repeated-dissatisfaction-verified': async () => {
      const { caseId } = await l.file();
      await l.act(caseId, actors.handler1, { type: 'acknowledge' });
      await l.act(caseId, actors.handler1, { type: 'resolve', summary: '第一次' });
      await l.act(caseId, actors.resident1, { type: 'evaluate', satisfaction: 'unsatisfied', solved: false });
      await l.act(caseId, actors.handler1, { type: 'resolve', summary: '第二次' });
      await l.act(caseId, actors.resident1, { type: 'evaluate', satisfaction: 'unsatisfied', solved: false });
      await l.act(caseId, actors.street1, {
        type: 'close',
        ground: 'verified_unreasonable',
        reason: '经核实诉求超出物业服务范围',
      });
      return { workflowId: `case-${caseId}` };
    },
    'take-over-and-callback': async () => {
      const { caseId } = await l.file({ residentUserId: null, householdId: null });
      await l.act(caseId, actors.street1, { type: 'take_over', reason: '群众反映集中' });
      await l.act(caseId, actors.handler1, { type: 'acknowledge' });
      await l.act(caseId, actors.handler1, { type: 'resolve', summary: '已修复' });
      await l.act(caseId, actors.community1, {
        type: 'record_callback',
        channel: 'phone',
        satisfaction: 'satisfied',
        solved: true,
      });
      return { workflowId: `case-${caseId}` };
    },
    'merged-into-primary': async () => {
      const primary = await l.file();
      const duplicate = await l.file({ residentUserId: DEMO_USERS.resident2, householdId: DEMO.resident2HouseholdId });
      const { trackingCode } = primary;
      await l.act(duplicate.caseId, actors.community1, {
        type: 'merge',
        primary: { caseId: primary.caseId, trackingCode, compoundCode: DEMO.compound },
        reason: '同一部电梯',
      });
      await untilRow(primary.caseId, (r) => (r.co_complainants as string[]).length === 1);
      await l.act(primary.caseId, actors.handler1, { type: 'acknowledge' });
      await l.act(primary.caseId, actors.handler1, { type: 'resolve', summary: '已修复' });
      await l.act(primary.caseId, actors.resident2, { type: 'evaluate', satisfaction: 'satisfied', solved: true });
      await suite().t.client.workflow.getHandle(`case-${duplicate.caseId}`).result();
      return { workflowId: `case-${primary.caseId}` };
    },
    'unstorable-text-repaired': async () => {
      const { caseId } = await l.file();
      const handle = suite().t.client.workflow.getHandle(`case-${caseId}`);
      await l.act(caseId, actors.handler1, { type: 'acknowledge' });
      await handle.executeUpdate(actionUpdates.progress, {
        args: [{ requestId: 'nul', actor: actors.handler1, action: { type: 'progress', note: 'a\u0000b' } }],
      });
      await l.act(caseId, actors.handler1, { type: 'resolve', summary: '已修复' });
      await l.act(caseId, actors.resident1, { type: 'evaluate', satisfaction: 'satisfied', solved: true });
      return { workflowId: `case-${caseId}` };
    },
    'continued-as-new': async () => {
      const { caseId } = await l.file({ categoryCode: 'noise' });
      const handle = suite().t.client.workflow.getHandle(`case-${caseId}`);
      const runId = (await handle.describe()).runId;
      await l.act(caseId, actors.handler1, { type: 'acknowledge' });
      for (let i = 0; (await handle.describe()).runId === runId; i++) {
        await handle.executeUpdate(addInformationUpdate, {
          args: [
            { requestId: `info-${i}`, actor: actors.resident1, action: { type: 'add_information', text: `补充 ${i}` } },
          ],
        });
      }
      await l.act(caseId, actors.resident1, { type: 'withdraw' });
      return { workflowId: `case-${caseId}`, runId };
    },
    'calendar-change-moves-a-deadline': async () => {
      const { caseId } = await l.file({
        compoundCode: DEMO.siblingCompound,
        householdId: 'hh-lakeview-1-1-101',
        residentUserId: DEMO_USERS.resident3,
        categoryCode: 'repairs',
      });
      const due = Date.parse((await l.row(caseId)).deadlines.resolution.dueAt);
      // A working day inside the resolution deadline becomes a holiday.
      const cal = createCalendar(calendarDataFor(cstDate(Date.now()), cstDate(due)));
      let day = cstDate(Date.now());
      for (let found = 0; found < 3;) if (cal.isWorkday((day = addCalendarDays(day, 1)))) found++;
      await suite().pool.query(`INSERT INTO calendar_overrides (date, kind, note) VALUES ($1, 'holiday', 'replay')`, [
        day,
      ]);
      await announceCalendarChange(
        { temporal: suite().t.client, taskQueue: suite().t.taskQueue },
        { id: `replay-${caseId}`, reason: `override ${day}` },
      );
      await untilRow(
        caseId,
        (r) => Date.parse((r.deadlines as { resolution: { dueAt: string } }).resolution.dueAt) > due,
      );
      await l.act(caseId, resident3, { type: 'withdraw' });
      return { workflowId: `case-${caseId}` };
    },
    'topic-breach-and-close': async () => {
      // 0.4.0: the governance topic workflow — a task and the topic breached, then a task done, progress, closed.
      const deps = { pool: suite().pool, temporal: suite().t.client, taskQueue: suite().t.taskQueue };
      const now = Date.now();
      const { id } = await openTopicFor(
        deps,
        actors.community1,
        {
          title: '1 号楼电梯反复停运',
          description: null,
          scope: { compoundCodes: [DEMO.compound], buildings: [], categoryCode: 'lift' },
          ownerOrgId: DEMO.propertyCompanyOrgId,
          dueAt: now + 3_000,
          tasks: [{ title: '更换控制柜', ownerOrgId: DEMO.propertyCompanyOrgId, dueAt: now + 2_000 }],
          fromRepeatProblemId: null,
        },
        null,
      );
      await eventually(async () => {
        const { rows } = await suite().pool.query('SELECT 1 FROM accountability_records WHERE topic_id = $1', [id]);
        return rows.length === 2;
      });
      const act = (actor: Actor, action: Parameters<typeof performTopicAction>[3]) =>
        performTopicAction(deps, id, actor, action, `${action.type}-${id}`);
      await act(actors.handler1, { type: 'complete_task', taskId: 't1', note: '已更换' });
      await act(actors.handler1, { type: 'add_progress', note: '运行一周正常' });
      await act(actors.community1, { type: 'close', summary: '已解决' });
      return { workflowId: `topic-${id}` };
    },
    'topic-supervised-after-breach': async () => {
      // 0.5.0: the topic-supervision patch — the task and the topic breach, then each misses its 督办 due as well.
      const deps = { pool: suite().pool, temporal: suite().t.client, taskQueue: suite().t.taskQueue };
      const now = Date.now();
      const { id } = await openTopicFor(
        deps,
        actors.community1,
        {
          title: '2 号楼屋面渗漏',
          description: null,
          scope: { compoundCodes: [DEMO.compound], buildings: [], categoryCode: 'leak' },
          ownerOrgId: DEMO.propertyCompanyOrgId,
          dueAt: now + 3_000,
          tasks: [{ title: '屋面防水修补', ownerOrgId: DEMO.propertyCompanyOrgId, dueAt: now + 2_000 }],
          fromRepeatProblemId: null,
        },
        null,
      );
      await eventually(async () => {
        const { rows } = await suite().pool.query('SELECT 1 FROM accountability_records WHERE topic_id = $1', [id]);
        return rows.length === 4;
      }, 60_000);
      const act = (actor: Actor, action: Parameters<typeof performTopicAction>[3]) =>
        performTopicAction(deps, id, actor, action, `${action.type}-${id}`);
      await act(actors.handler1, { type: 'complete_task', taskId: 't1', note: '已修补' });
      await act(actors.community1, { type: 'close', summary: '已修补完毕' });
      return { workflowId: `topic-${id}` };
    },
    'assessment-workflow': async () => {
      const workflowId = `assessment-replay-${Date.now()}`;
      await suite().t.client.workflow.execute(assessmentWorkflow, {
        args: [{ period: '2026-10' }],
        workflowId,
        taskQueue: suite().t.taskQueue,
      });
      return { workflowId };
    },
  };
  const cli = findTemporalCli(() => {}).path!;
  const started = Object.entries(runs)
    .filter(([name]) => !ONLY || ONLY.includes(name))
    .map(async ([name, run]) => {
      const { workflowId, runId } = await run();
      const handle = suite().t.client.workflow.getHandle(workflowId);
      if (!runId) await handle.result();
      const json = execFileSync(cli, [
        'workflow',
        'show',
        '--address',
        suite().t.address,
        '--workflow-id',
        workflowId,
        ...(runId ? ['--run-id', runId] : []),
        '--output',
        'json',
      ]);
      fs.writeFileSync(path.join(DIR, `${RELEASE}-${name}.json`), json);
    });
  await Promise.all(started);
  await sleep(0);
});

const corpus = () => fs.readdirSync(DIR).filter((f) => f.endsWith('.json'));

test('every committed history replays on the workflow bundle the build makes', async () => {
  expect(corpus().length).toBeGreaterThanOrEqual(10);
  const bundle = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rs-bundle-')), 'workflow-bundle.js');
  const build = runScript('scripts/build-workflow-bundle.ts', {}, [bundle]);
  expect(await build.exited).toBe(0);
  const child = runScript('scripts/replay-histories.ts', { LOG_LEVEL: 'error' }, ['--bundle', bundle]);
  const code = await child.exited;
  expect(child.output()).toContain(`${corpus().length} replayed, 0 failed`);
  expect(code).toBe(0);
  fs.rmSync(path.dirname(bundle), { recursive: true, force: true });
});

test('a workflow changed without going through the versioning policy fails the replay with a nondeterminism error', async () => {
  const child = runScript('scripts/replay-histories.ts', { LOG_LEVEL: 'error' }, [
    '--workflows',
    path.join(__dirname, 'changed', 'workflows.ts'),
  ]);
  expect(await child.exited).toBe(1);
  // The changed copy is caseWorkflow's: the assessment and topic workflows are as recorded, and replay.
  const cases = corpus().filter((f) => !f.includes('assessment') && !f.includes('topic'));
  for (const f of cases)
    expect(child.output()).toMatch(new RegExp(`FAIL ${f.replace(/\./g, '\\.')}: DeterminismViolationError`));
  // The other workflows did not change, and still replay: the check tells a changed workflow from the rest.
  expect(child.output()).toContain(`${corpus().length - cases.length} replayed, ${cases.length} failed`);
});
