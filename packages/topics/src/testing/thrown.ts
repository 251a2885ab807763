import { TopicNameError } from '../errors.js'

/**
 * Run `fn` and return the {@link TopicNameError} it throws; fails the test if it throws nothing or
 * something else. Test helper, not built or published.
 *
 * @example
 * ```ts
 * expect(thrown(() => makeTopicName('', 'x')).input).toBe('')
 * ```
 */
export function thrown(fn: () => unknown): TopicNameError {
  try {
    fn()
  } catch (err) {
    if (err instanceof TopicNameError) return err
    throw err
  }
  throw new Error('expected a TopicNameError')
}
