// Jest's order (failed first, then the slowest files of the last run, then the largest), except that
// the tests that run a single-threaded tool in a child process go first: test/package.test.ts (jsii and
// jsii-docgen) and test/lint.test.ts (eslint). Their tools then run beside the synthesizing workers
// instead of alone before or after the suite.
const path = require('path');
const Sequencer = require('@jest/test-sequencer').default;

const FIRST = ['package.test.ts', 'lint.test.ts'].map((name) => `${path.sep}test${path.sep}${name}`);

const rank = (test) => {
  const index = FIRST.findIndex((suffix) => test.path.endsWith(suffix));
  return index < 0 ? FIRST.length : index;
};

class ChildProcessTestsFirst extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    // Array.prototype.sort is stable: within a rank, jest's own order stays.
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = ChildProcessTestsFirst;
