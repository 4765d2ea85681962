// Replays recorded case histories (default test/replay/histories/*.json) on the current workflow code and exits
// non-zero if any would take a different path: a change that breaks running cases must be guarded with patched().
// Runs as its own process: the SDK's protobuf classes do not survive Jest's module sandbox.
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { bundleWorkflows } from '../worker/worker';

async function main(): Promise<void> {
  const dir = process.argv[2] ?? path.join(__dirname, '..', 'test', 'replay', 'histories');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const histories = files.map((f) => ({ workflowId: f, history: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) }));
  const workflowBundle = await bundleWorkflows();
  let failed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle }, histories)) {
    if (result.error) {
      failed++;
      console.log(`FAIL ${result.workflowId}: ${result.error.message}`);
    } else console.log(`ok   ${result.workflowId}`);
  }
  console.log(`${files.length - failed} replayed, ${failed} failed`);
  if (failed > 0) process.exit(1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
