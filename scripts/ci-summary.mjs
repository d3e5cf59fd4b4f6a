// Prints CI's closing line "N passed, N failed" from one or more vitest JSON reports and exits
// non-zero when any test failed, a run crashed, or a report is missing.
// Usage: node scripts/ci-summary.mjs <exit status> <report.json> [<report.json> ...]
import { readFileSync } from 'node:fs';

const [statusText, ...reportPaths] = process.argv.slice(2);
const status = Number(statusText ?? '1');
let passed = 0;
let failed = 0;
for (const reportPath of reportPaths) {
  try {
    const report = JSON.parse(readFileSync(reportPath, 'utf8'));
    passed += report.numPassedTests ?? 0;
    failed += (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
    // A suite that failed to load counts as a failure even when it reported no tests.
    for (const suite of report.testResults ?? []) {
      if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) failed += 1;
    }
  } catch (error) {
    console.log(`could not read the vitest report ${reportPath}: ${error.message}`);
    failed += 1;
  }
}
if (status !== 0 && failed === 0) failed = 1; // the runner failed for a reason the reports do not count
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || status !== 0 ? 1 : 0);
