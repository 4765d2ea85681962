// Records the counts CI reads: `N passed, N failed` (`, N skipped` when some were skipped). Jest prints its own
// summary after every reporter, so scripts/jest-with-count.js prints this line once Jest has exited, last.
const fs = require('node:fs');
const path = require('node:path');

const COUNT_FILE = path.join(__dirname, '.artifacts', 'count.txt');

class CountReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    // A suite that failed to load has no failed tests of its own; count it so the line never hides it.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    fs.mkdirSync(path.dirname(COUNT_FILE), { recursive: true });
    fs.writeFileSync(COUNT_FILE, line);
  }
}
module.exports = CountReporter;
module.exports.COUNT_FILE = COUNT_FILE;
