// The worker's cost of a new case's first workflow task against the empty workflow's, without any server: replays
// each first task (5 history events) many times in this process (debugMode: the workflows run on this thread, so
// process.cpuUsage() sees all of it) and counts the promises each creates. The case's history is the start of a
// committed replay history (test/replay/histories, newest version); the empty workflow's is the same start with its
// own type and a completion. Usage: npx tsx bench/first-task.ts [rounds=400]; RS_ONLY=case (or empty) measures one
// side only, e.g. under node --cpu-prof -r tsx/cjs.
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
const HISTORIES = path.join(__dirname, '..', 'test', 'replay', 'histories');

function caseFirstTask(): History {
  const newest = fs
    .readdirSync(HISTORIES)
    .filter((f) => f.endsWith('-happy-path.json'))
    .sort()
    .at(-1)!;
  const events = JSON.parse(fs.readFileSync(path.join(HISTORIES, newest), 'utf8')).events as Record<string, unknown>[];
  return { events: events.slice(0, 5) } as unknown as History;
}

function emptyFirstTask(from: History): History {
  type Event = {
    eventTime?: string;
    taskId?: string;
    workflowExecutionStartedEventAttributes?: Record<string, unknown>;
  };
  const events = JSON.parse(JSON.stringify((from.events as unknown[]).slice(0, 4))) as Event[];
  const started = events[0].workflowExecutionStartedEventAttributes!;
  started.workflowType = { name: 'emptyWorkflow' };
  delete started.input;
  delete started.searchAttributes;
  (events as Record<string, unknown>[]).push({
    eventId: '5',
    eventTime: events[3].eventTime,
    eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED',
    taskId: String(Number(events[3].taskId) + 1),
    workflowExecutionCompletedEventAttributes: { workflowTaskCompletedEventId: '4' },
  });
  return { events } as unknown as History;
}

let promises = 0;
v8.promiseHooks.onInit(() => void promises++);

async function measure(workflowBundle: { code: string }, history: History, rounds: number, label: string) {
  const histories = function* () {
    for (let i = 0; i < rounds; i++) yield { workflowId: `${label}-${i}`, history };
  };
  // debugMode (accepted at run time, missing from the replay options' type) runs the workflows on this thread.
  const options = { workflowBundle, debugMode: true } as Parameters<typeof Worker.runReplayHistories>[0];
  // Warm-up, then the measured rounds.
  for await (const r of Worker.runReplayHistories(options, histories())) if (r.error) throw r.error;
  const p0 = promises;
  const c0 = process.cpuUsage();
  for await (const r of Worker.runReplayHistories(options, histories())) if (r.error) throw r.error;
  const cpu = process.cpuUsage(c0);
  return { label, msPerTask: (cpu.user + cpu.system) / 1000 / rounds, promisesPerTask: (promises - p0) / rounds };
}

async function main() {
  const rounds = Number(process.argv[2] ?? 400);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, 'all-workflows.ts'),
    logger: new DefaultLogger('WARN'),
  });
  const caseHistory = caseFirstTask();
  const emptyHistory = emptyFirstTask(caseHistory);
  const only = process.env.RS_ONLY;
  const rows = [];
  for (let i = 0; i < Number(process.env.RS_ROUNDS ?? 3); i++) {
    if (only !== 'case') rows.push(await measure(workflowBundle, emptyHistory, rounds, 'empty'));
    if (only !== 'empty') rows.push(await measure(workflowBundle, caseHistory, rounds, 'case'));
  }
  for (const r of rows)
    console.log(
      `${r.label.padEnd(6)} ${r.msPerTask.toFixed(3)} ms CPU, ${r.promisesPerTask.toFixed(1)} promises per first task`,
    );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
