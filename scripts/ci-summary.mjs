// Prints CI's closing line "N passed, N failed" from vitest's JSON report and exits non-zero when
// any test failed, the run crashed, or the report is missing.
import { readFileSync } from 'node:fs';

const [reportPath, statusText] = process.argv.slice(2);
const status = Number(statusText ?? '1');
let passed = 0;
let failed = 0;
try {
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
  // A suite that failed to load counts as a failure even when it reported no tests.
  for (const suite of report.testResults ?? []) {
    if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) failed += 1;
  }
} catch (error) {
  console.log(`could not read the vitest report ${reportPath}: ${error.message}`);
  failed = Math.max(failed, 1);
}
if (status !== 0 && failed === 0) failed = 1; // the runner failed for a reason the report does not count
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || status !== 0 ? 1 : 0);
