export { type LocalStack, startLocalStack } from './commands/dev.js'
export { ExitCode, UsageError } from './errors.js'
export { Output, type Streams } from './output.js'
export { type RunContext, run } from './program.js'
export {
  type ConnectionFlags,
  ENV,
  type ResolvedBroker,
  type ResolvedConnection,
  type ResolvedTransport,
  requireBroker,
  resolveBroker,
  resolveConnection,
  resolveTransport,
} from './settings.js'
