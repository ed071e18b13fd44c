// Prints jest's totals as the plain line CI reads: "N passed, N failed[, N skipped]".
const { readFileSync, existsSync } = require('node:fs');

const file = process.argv[2] ?? 'test-results/jest.json';
if (!existsSync(file)) {
  console.log('0 passed, 1 failed');
  console.error(`jest wrote no results to ${file}`);
  process.exit(1);
}
const results = JSON.parse(readFileSync(file, 'utf8'));
// A suite that fails to load has no test results but must still count as a failure.
const brokenSuites = results.numRuntimeErrorTestSuites ?? 0;
const failed = results.numFailedTests + brokenSuites;
const skipped = results.numPendingTests + (results.numTodoTests ?? 0);
console.log(`${results.numPassedTests} passed, ${failed} failed` + (skipped > 0 ? `, ${skipped} skipped` : ''));
process.exit(failed > 0 || results.numTotalTests === 0 ? 1 : 0);
