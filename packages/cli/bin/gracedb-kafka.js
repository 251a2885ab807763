#!/usr/bin/env node
// The `gracedb-kafka` command. An installed package runs its compiled dist/bin.js. In a clone of the
// repository right after `npm ci` there is no dist/ yet: then the TypeScript source runs through tsx (a root
// devDependency of the repository, never needed by the published package), with the workspace packages
// resolved to their sources through the `@gracedb-kafka/source` export condition, so no build step is needed.
import { existsSync } from 'node:fs'

const dist = new URL('../dist/bin.js', import.meta.url)
if (existsSync(dist)) {
  await import(dist.href)
} else {
  const { register } = await import('node:module')
  const tsx = await import('tsx/esm/api').catch((err) => {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err
    process.stderr.write(
      'gracedb-kafka: this copy is not built (no dist/) and tsx is not installed to run its sources: ' +
        'run `npm ci` in the repository, or `npm run build`\n',
    )
    process.exit(1)
  })
  tsx.register()
  // Registered last, so it runs first: it adds the source condition, then hands over to tsx's resolver.
  const addSourceCondition = `export function resolve(specifier, context, next) {
    return next(specifier, { ...context, conditions: ['@gracedb-kafka/source', ...context.conditions] })
  }`
  register(`data:text/javascript,${encodeURIComponent(addSourceCondition)}`)
  await import(new URL('../src/bin.ts', import.meta.url).href)
}
