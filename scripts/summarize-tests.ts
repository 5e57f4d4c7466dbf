// Prints the one closing line CI reads, `N passed, N failed`, from vitest's JSON reports. The static
// checks (typecheck, lint, format) count as one test each. A missing report counts as a failure: a
// suite that crashed before reporting must not look green.
import { readFileSync } from 'node:fs';

const [checksFailedArg, ...reports] = process.argv.slice(2);
const staticChecks = 3;
const checksFailed = Number(checksFailedArg ?? 0);
let passed = staticChecks - checksFailed;
interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numFailedTestSuites: number;
}
let failed = checksFailed;
for (const file of reports) {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8')) as VitestReport;
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    if (report.numFailedTestSuites > 0 && report.numFailedTests === 0) failed += report.numFailedTestSuites;
  } catch {
    console.error(`summarize-tests: no report in ${file}`);
    failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
