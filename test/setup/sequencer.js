// Jest's order (failed first, then the slowest files of the last run, then the largest), except that
// test/package.test.ts goes first of all: it compiles the API with jsii in a child process, which runs
// on one core while the other worker synthesizes, instead of alone before or after the suite.
const Sequencer = require('@jest/test-sequencer').default;

const FIRST = `${require('path').sep}test${require('path').sep}package.test.ts`;

class PackageTestFirst extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    return [...sorted.filter((test) => test.path.endsWith(FIRST)), ...sorted.filter((test) => !test.path.endsWith(FIRST))];
  }
}

module.exports = PackageTestFirst;
