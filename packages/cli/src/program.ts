import { readFileSync } from 'node:fs'
import { InvalidOptionError, redactTokens } from '@gracedb-kafka/core'
import { Command, CommanderError, InvalidArgumentError } from 'commander'
// Commands are imported when they run, so `--help` does not load kafkajs and the clients.
import type { consume } from './commands/consume.js'
import type { createEvent } from './commands/create-event.js'
import { topicDerive, topicMake, topicParse } from './commands/topic.js'
import { ExitCode, UsageError } from './errors.js'
import { Output, type Streams } from './output.js'
import { type ConnectionFlags, checkEnvironment, ENV, requireBroker, resolveConnection } from './settings.js'

const version: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version

const nonNegativeNumber = (what: string) => (value: string) => {
  const n = Number(value)
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${what} must be a number >= 0`)
  return n
}
// A count or size: a whole number from 1 to 2^53 - 1 (`1e300` is refused here, by the flag's name).
const positiveInt = (value: string) => {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`must be a positive whole number from 1 to ${Number.MAX_SAFE_INTEGER}`)
  }
  return n
}
const collect = (value: string, previous: string[]) => [...previous, value]

interface GlobalFlags extends ConnectionFlags {
  json?: boolean
  verbose?: boolean
}

/** Runtime context of one invocation. */
export interface RunContext {
  streams: Streams
  env: NodeJS.ProcessEnv
  signal?: AbortSignal
}

function buildProgram(ctx: RunContext, setOutput: (o: Output) => void): Command {
  const program = new Command('gracedb-kafka')
  const output = (cmd: Command): Output => {
    const o = new Output(ctx.streams, cmd.optsWithGlobals<GlobalFlags>())
    setOutput(o)
    return o
  }
  const connection = (cmd: Command, topicArgs: Array<string | undefined> = []) =>
    resolveConnection(cmd.optsWithGlobals<GlobalFlags>(), ctx.env, topicArgs)

  program
    .description('Publish and consume GraceDB events over Kafka with SciTokens')
    .version(version, '-V, --version')
    .option(
      '--bootstrap-servers <servers>',
      `Kafka broker(s) host:port[,host:port] or kafka://host:port/topic (env ${ENV.bootstrapServers})`,
    )
    .option(
      '--service-url <url>',
      `GraceDB service URL, e.g. https://gracedb-dev.ligo.org/api/ (env ${ENV.serviceUrl})`,
    )
    .option(
      '--instance-name <name>',
      `GraceDB instance name, instead of --service-url (env ${ENV.instanceName})`,
    )
    .option('--ca-cert-path <path>', `PEM CA bundle for the broker's TLS certificate (env ${ENV.caCertPath})`)
    .option(
      '--skip-hostname-verification',
      `do not check the broker certificate's hostname (env ${ENV.skipHostnameVerification}=1)`,
    )
    .option('--no-ssl', `connect without TLS (env ${ENV.useSsl}=0)`)
    .option('--url <kafka-url>', `hop-style kafka://host:port/topic[,topic] (env ${ENV.url})`)
    .option('--json', 'print machine-readable JSON lines on stdout')
    .option('-v, --verbose', 'more detail on errors, progress lines even when stderr is not a TTY')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      // commander quotes what it was given (an unknown option, a bad value): that text is redacted too.
      writeOut: (s) => ctx.streams.stdout.write(redactTokens(s)),
      writeErr: (s) => ctx.streams.stderr.write(redactTokens(s)),
    })
    // Every command checks the boolean environment variables first: a typo is a usage error, never a default.
    .hook('preAction', () => checkEnvironment(ctx.env))

  const topic = program.command('topic').description('instance-namespaced topic names')
  topic
    .command('derive')
    .description('the instance name of a GraceDB service URL')
    .argument('<service-url>')
    .action((url: string, _o, cmd: Command) => topicDerive(output(cmd), url))
  topic
    .command('make')
    .description('the namespaced topic for an instance and a pipeline')
    .argument('<instance>')
    .argument('<pipeline>')
    .action((instance: string, pipeline: string, _o, cmd: Command) =>
      topicMake(output(cmd), instance, pipeline),
    )
  topic
    .command('parse')
    .description('split a namespaced topic into instance and pipeline')
    .argument('<topic>')
    .action((t: string, _o, cmd: Command) => topicParse(output(cmd), t))

  program
    .command('token')
    .description('show the SciToken discovery finds (never the token itself)')
    .option('--scope <scope>', 'require this scope (e.g. kafka.produce)')
    .option('--audience <aud>', 'require this audience (default: the broker hostname)')
    .action(async (o: { scope?: string; audience?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalFlags>()
      // The broker (its hostname is the default audience) is resolved like every other command's.
      const broker = requireBroker(g, ctx.env, []).bootstrapServers
      const out = output(cmd)
      await (await import('./commands/token.js')).token(out, {
        broker,
        scope: o.scope,
        audience: o.audience,
        env: ctx.env,
      })
    })

  program
    .command('ping')
    .description("produce the reference's ping message and print the delivery")
    .option('--topic <pipeline>', 'pipeline to ping (default: test)')
    .option('--timeout <seconds>', 'seconds to wait for the delivery', nonNegativeNumber('--timeout'), 10)
    .action(async (o: { topic?: string; timeout: number }, cmd: Command) => {
      // Settings first (a usage error is reported without loading the clients), then the command.
      const [out, settings] = [output(cmd), connection(cmd, [o.topic])]
      await (await import('./commands/ping.js')).ping(out, settings, { topic: o.topic, timeout: o.timeout })
    })

  program
    .command('produce')
    .description('produce values given as arguments, or JSON lines from stdin')
    .argument('[values...]', 'JSON objects or strings; none = read JSON lines from stdin')
    .option('--topic <pipeline>', 'pipeline (namespaced with the instance) or kafka:// URL')
    .option('--key <key>', 'message key')
    .option('--header <k=v>', 'message header (repeatable)', collect, [] as string[])
    .action(async (values: string[], o: { topic?: string; key?: string; header: string[] }, cmd: Command) => {
      const [out, settings] = [output(cmd), connection(cmd, [o.topic])]
      await (await import('./commands/produce.js')).produce(out, settings, values, o)
    })

  program
    .command('consume')
    .description('write one JSON line per message to stdout; Ctrl-C stops cleanly')
    .option('--topics <pipelines>', 'comma-separated pipelines, or a kafka:// URL')
    .option('--group-id <id>', 'consumer group (default: an ephemeral one)')
    .option('--from-beginning', 'start from the earliest offset when the group has none')
    .option('--count <n>', 'stop after n messages', positiveInt)
    .option('--manual-commit', 'commit each message only after it was written')
    .option('--write-files <dir>', "write each upload message's event file into <dir> (never overwriting)")
    .option('--timeout <seconds>', 'poll timeout per iteration', nonNegativeNumber('--timeout'), 1)
    .option(
      '--max-buffered-messages <n>',
      'messages fetched ahead of the output at most (default: 5000)',
      positiveInt,
    )
    .option(
      '--max-buffered-bytes <n>',
      'bytes of keys and values fetched ahead of the output at most (default: 67108864, 64 MiB)',
      positiveInt,
    )
    .action(async (o: Parameters<typeof consume>[2], cmd: Command) => {
      const [out, settings] = [output(cmd), connection(cmd, [o.topics])]
      await (await import('./commands/consume.js')).consume(out, settings, o)
    })

  program
    .command('create-event')
    .description(
      'create a GraceDB event: reserve + produce over Kafka (plain HTTP without a broker); prints the graceid',
    )
    .argument('<group>')
    .argument('<pipeline>')
    .argument('<file>')
    .option('--search <search>', 'search, e.g. AllSky')
    .option('--label <label>', 'label (repeatable)', collect, [] as string[])
    .option('--offline', 'mark the event offline')
    .option('--http-fallback', 'fall back to HTTP if the Kafka path fails')
    .option('--no-gracedb-upload', 'publish to Kafka without reserving a graceid')
    .option('--skip-supervisor', 'ask the server-side supervisor not to process the message')
    .action(
      async (
        group: string,
        pipeline: string,
        file: string,
        o: Parameters<typeof createEvent>[6],
        cmd: Command,
      ) => {
        const out = output(cmd)
        await (await import('./commands/create-event.js')).createEvent(
          out,
          cmd.optsWithGlobals<GlobalFlags>(),
          ctx.env,
          group,
          pipeline,
          file,
          o,
        )
      },
    )

  program
    .command('dev')
    .description(
      'start the embedded local stack (broker, token, GraceDB stand-in) until Ctrl-C; prints shell exports',
    )
    .action(async (_o, cmd: Command) => (await import('./commands/dev.js')).dev(output(cmd), ctx.signal))

  program
    .command('demo')
    .description(
      'start the local stack, create an event over Kafka, consume it, show what GraceDB stored, stop',
    )
    .action(async (_o, cmd: Command) => (await import('./commands/demo.js')).demo(output(cmd)))

  return program
}

/**
 * Run the `gracedb-kafka` command with `argv` (without the node and script entries) and resolve with its exit
 * code: 0 success (including `--help` and `--version`), 1 runtime failure, 2 usage error (no command, an unknown
 * command or option, a bad argument or environment variable; the help goes to stderr). Never calls
 * `process.exit`.
 *
 * @example
 * ```ts
 * const code = await run(['topic', 'make', 'gracedb-dev', 'gstlal'], { streams: process, env: process.env })
 * ```
 */
export async function run(argv: readonly string[], ctx: RunContext): Promise<number> {
  let out = new Output(ctx.streams, { verbose: argv.includes('--verbose') || argv.includes('-v') })
  const program = buildProgram(ctx, (o) => {
    out = o
  })
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return ExitCode.ok
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help asked for (--help, help COMMAND) and --version: stdout, exit 0. Help shown because no command was
      // given (no arguments, or `topic` alone): stderr, exit 2, like any other usage error.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return ExitCode.ok
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage
    }
    out.error(err)
    if (err instanceof UsageError || err instanceof InvalidOptionError) return ExitCode.usage
    if (err instanceof Error && err.name === 'TopicNameError') return ExitCode.usage
    if ((err as { code?: string })?.code?.startsWith('ERR_KAFKA_TOKEN') === true) {
      out.note('hint: get a fresh SciToken with: htgettoken -a vault.ligo.org -i igwn')
    }
    return ExitCode.failure
  }
}
