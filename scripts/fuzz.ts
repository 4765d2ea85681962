// `npm run fuzz [-- --runs 500 --seed 123]`: the fuzz tests at length. `npm test` runs the same files with a fixed
// seed and a small count; this runs many more probes per route with a new seed each time (printed, so a failure
// replays with --seed), through Jest so they get the same real Postgres, Temporal and worker.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '500' },
    seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
  },
});
const root = path.resolve(__dirname, '..');
console.log(
  `fuzz: ${values.runs} probes per route (test/fuzz) and in all, at least 400 (test/api/malformed.test.ts); seed ${values.seed}`,
);
const result = spawnSync(
  process.execPath,
  [
    path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
    'test/fuzz',
    'test/api/malformed.test.ts',
    '--testTimeout',
    '1800000',
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FUZZ_RUNS: values.runs, FUZZ_SEED: values.seed },
  },
);
if (result.status !== 0)
  console.log(`fuzz: failed; replay with npm run fuzz -- --runs ${values.runs} --seed ${values.seed}`);
process.exit(result.status ?? 1);
