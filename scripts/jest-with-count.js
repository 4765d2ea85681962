// Runs Jest (arguments passed through) and ends the output with the plain line `N passed, N failed` written by
// test/count-reporter.js, then exits with Jest's own exit code. A run that never got to count says so, as failed.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const { COUNT_FILE } = require('../test/count-reporter');

fs.rmSync(COUNT_FILE, { force: true });
const jest = require.resolve('jest/bin/jest');
const run = spawnSync(process.execPath, [jest, ...process.argv.slice(2)], { stdio: 'inherit' });
const line = fs.existsSync(COUNT_FILE) ? fs.readFileSync(COUNT_FILE, 'utf8') : '0 passed, 1 failed';
process.stdout.write(`\n${line}\n`);
process.exit(run.status ?? 1);
