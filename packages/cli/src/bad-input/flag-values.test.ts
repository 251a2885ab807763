// Numeric flags with values out of range or not numbers at all: each is a usage error (exit 2) naming the flag,
// refused by the command-line parser before anything connects (the broker, localhost:1, listens to nothing).
import { describe } from 'vitest'
import { type CliCase, UNREACHABLE as CONN, describeCliCases } from '../testing/cli-cases.js'

const CASES: CliCase[] = [
  {
    name: 'negative --timeout',
    args: () => ['ping', '--timeout', '-1', ...CONN],
    code: 2,
    says: /--timeout must be a number >= 0/,
  },
  {
    name: '--timeout not a number',
    args: () => ['ping', '--timeout', 'soon', ...CONN],
    code: 2,
    says: /--timeout/,
  },
  {
    name: '--count 0',
    args: () => ['consume', '--count', '0', ...CONN],
    code: 2,
    says: /positive whole number/,
  },
  {
    name: '--count 1e300 (not a safe integer)',
    args: () => ['consume', '--count', '1e300', ...CONN],
    code: 2,
    says: /option '--count <n>' argument '1e300' is invalid\. must be a positive whole number from 1 to/,
  },
  // The consumer's buffer limits (whole numbers from 1 to 2^53 - 1).
  ...(['0', '-1', '1.5', '64MB', '1e300', 'Infinity', 'NaN', ''] as const).flatMap((v): CliCase[] =>
    (['--max-buffered-bytes', '--max-buffered-messages'] as const).map((flag) => ({
      name: `consume ${flag} ${JSON.stringify(v)}`,
      args: () => ['consume', '--topics', 'gstlal', flag, v, ...CONN],
      code: 2,
      says: new RegExp(
        `option '${flag} <n>' argument '${v}' is invalid\\. must be a positive whole number from 1 to`,
      ),
      spawn: v === '64MB' && flag === '--max-buffered-bytes',
    })),
  ),
]

describe('bad numeric flags', () => {
  describeCliCases(CASES, () => ({}))
})
