/**
 * The `java` executable testkit runs: `$JAVA_HOME/bin/java` when `JAVA_HOME` is set, else `java` from `PATH`.
 *
 * @example
 * ```ts
 * execFile(javaBin(), ['-version'])
 * ```
 */
export function javaBin(): string {
  return process.env.JAVA_HOME ? `${process.env.JAVA_HOME}/bin/java` : 'java'
}
