// Replays recorded case histories (default test/replay/histories/*.json) on the current workflow code and exits
// non-zero if any would take a different path: a change that breaks running cases must go through the versioning
// policy in workflows/README.md. `--bundle <file>` replays a prebuilt bundle (what `npm run build` writes and the
// compiled worker runs); `--workflows <file>` bundles another workflows module first (the negative control).
// Runs as its own process: the SDK's protobuf classes do not survive Jest's module sandbox.
import fs from 'node:fs';
import path from 'node:path';
import { Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { bundleWorkflows } from '../worker/worker';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--workflows');
  const workflowsPath = at >= 0 ? path.resolve(args.splice(at, 2)[1]) : undefined;
  const bundleAt = args.indexOf('--bundle');
  const codePath = bundleAt >= 0 ? path.resolve(args.splice(bundleAt, 2)[1]) : undefined;
  const dir = args[0] ?? path.join(__dirname, '..', 'test', 'replay', 'histories');
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const histories = files.map((f) => ({
    workflowId: f,
    history: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')),
  }));
  const workflowBundle: WorkflowBundleOption = codePath ? { codePath } : await bundleWorkflows(workflowsPath);
  let failed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle }, histories)) {
    if (result.error) {
      failed++;
      console.log(`FAIL ${result.workflowId}: ${result.error.name}: ${result.error.message}`);
    } else console.log(`ok   ${result.workflowId}`);
  }
  console.log(`${files.length - failed} replayed, ${failed} failed`);
  if (failed > 0) process.exit(1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
