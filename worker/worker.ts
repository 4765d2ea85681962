// Builds the Temporal worker that runs case workflows and their activities. `npm run worker`, `npm start`
// and the tests all build it here, so production and tests run the same wiring.
import fs from 'node:fs';
import path from 'node:path';
import {
  NativeConnection,
  Worker,
  bundleWorkflowCode,
  type WorkflowBundle,
  type WorkflowBundleOption,
} from '@temporalio/worker';
import type { Pool } from 'pg';
import { createActivities } from '../activities';
import type { Config } from '../config';

export const WORKFLOWS_PATH = path.resolve(__dirname, '..', 'workflows', 'index.ts');
/** Where `npm run build` writes the workflow bundle: beside the compiled code, `dist/workflow-bundle.js`. */
export const BUILT_BUNDLE_PATH = path.resolve(__dirname, '..', 'workflow-bundle.js');

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  pool: Pool;
  /** A pre-built bundle (tests build one per run); otherwise `defaultWorkflowBundle()`. */
  workflowBundle?: WorkflowBundleOption;
  /** Cached workflows (sticky); lower it to see eviction and replay. */
  maxCachedWorkflows?: number;
  /** Activities beside Red Steward's own (the bench's bare baselines). */
  extraActivities?: object;
}

/** The workflow bundle the worker runs; the replay check's negative control bundles a changed copy instead. */
export async function bundleWorkflows(workflowsPath = WORKFLOWS_PATH): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath, logger: quietLogger });
}

// The bundler is chatty at info level; warnings and errors still show.
const quietLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
};

/**
 * Compiled (`node dist/worker/main.js`), the worker loads the bundle `npm run build` wrote, so production runs the
 * workflow code that was built and replay-tested rather than webpacking it at every start; from TypeScript (tsx:
 * `npm start`, `npm run worker`) it bundles workflows/ as they are now.
 */
export async function defaultWorkflowBundle(): Promise<WorkflowBundleOption> {
  if (path.extname(__filename) !== '.js') return bundleWorkflows();
  if (!fs.existsSync(BUILT_BUNDLE_PATH))
    throw new Error(`${BUILT_BUNDLE_PATH} is missing: \`npm run build\` writes it beside the compiled code`);
  return { codePath: BUILT_BUNDLE_PATH };
}

export async function createWorker(o: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    workflowBundle: o.workflowBundle ?? (await defaultWorkflowBundle()),
    activities: { ...o.extraActivities, ...createActivities({ pool: o.pool }) },
    maxCachedWorkflows: o.maxCachedWorkflows,
  });
}

/**
 * The worker `npm start` and `npm run worker` run, built from the configuration in this one place (so an option
 * read from the environment reaches both), and the cache size it runs with said in the log.
 */
export async function createConfiguredWorker(
  config: Config,
  connection: NativeConnection,
  pool: Pool,
  log: (line: string) => void,
): Promise<Worker> {
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    pool,
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
  });
  log(`worker: keeps up to ${worker.options.maxCachedWorkflows} workflows in memory (WORKER_MAX_CACHED_WORKFLOWS)`);
  return worker;
}
