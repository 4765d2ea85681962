// Bundles workflows/ ahead of time, as temporalio/samples-typescript's production/ does: the compiled worker loads
// the file with `workflowBundle: { codePath }` (worker/worker.ts), and the replay test replays the same file.
// `npx tsx scripts/build-workflow-bundle.ts [out]` (default dist/workflow-bundle.js).
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflows } from '../worker/worker';

export const DEFAULT_BUNDLE_PATH = path.resolve(__dirname, '..', 'dist', 'workflow-bundle.js');

/** Writes the bundle of `workflowsPath` (default: workflows/index.ts) to `out` and returns its size in bytes. */
export async function buildWorkflowBundle(out: string, workflowsPath?: string): Promise<number> {
  const { code } = await bundleWorkflows(workflowsPath);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, code);
  return Buffer.byteLength(code);
}

if (require.main === module) {
  const out = path.resolve(process.argv[2] ?? DEFAULT_BUNDLE_PATH);
  buildWorkflowBundle(out).then(
    (bytes) => console.log(`workflow bundle: ${path.relative(process.cwd(), out)} (${Math.round(bytes / 1024)} KiB)`),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
