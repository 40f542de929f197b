// Prints `N passed, N failed` from vitest's JSON report (the closing line CI reads) and exits non-zero when
// anything failed or nothing ran.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
// A file that fails to load has no failed tests of its own; count it, so it cannot pass unnoticed.
const brokenFiles = report.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
const failed = report.numFailedTests + brokenFiles;
console.log(`${report.numPassedTests} passed, ${failed} failed`);
process.exit(failed === 0 && report.numTotalTests > 0 ? 0 : 1);
