#!/usr/bin/env node
// API report: the exported names and declaration signatures of every public entry point of every published
// package, written to api/<package>.api.md so that a change to the public API shows up in review.
//
//   npm run api:update                     # (re)write api/*.api.md
//   node scripts/api-report.mjs --check    # exit 1 when a report is stale (run by `npm test`)
//
// Entry points are the `@gracedb-kafka/source` targets of each package.json `exports` map. Exports are
// resolved through re-exports to their declarations with the TypeScript checker; each declaration is shown as
// TypeScript's own declaration emit of its file (bodies, comments and private members removed).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const root = fileURLToPath(new URL('..', import.meta.url))
const apiDir = join(root, 'api')
const SOURCE_CONDITION = '@gracedb-kafka/source'

/** Published packages and their entry points: `[{ name, dir, entries: [{ subpath, file }] }]`. */
function publicPackages() {
  const dirs = readdirSync(join(root, 'packages')).sort()
  const result = []
  for (const d of dirs) {
    const pkgPath = join(root, 'packages', d, 'package.json')
    if (!existsSync(pkgPath)) continue
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'))
    if (pkg.private === true) continue
    const entries = []
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      const src = typeof target === 'object' && target !== null ? target[SOURCE_CONDITION] : undefined
      if (typeof src === 'string') entries.push({ subpath, file: join(root, 'packages', d, src) })
    }
    const dependencies = Object.keys(pkg.dependencies ?? {})
    if (entries.length > 0)
      result.push({ name: pkg.name, dir: join(root, 'packages', d), entries, dependencies })
  }
  return result
}

function compilerOptions() {
  const configPath = join(root, 'tsconfig.base.json')
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile)
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'))
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root, { noEmit: true }, configPath)
  return parsed.options
}

const declarationOptions = {
  declaration: true,
  emitDeclarationOnly: true,
  removeComments: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
}
const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed, removeComments: true })

/** Declaration emit of one source file, indexed by top-level name: `Map<name, Statement[]>`. */
const emitted = new Map()
function declarationsOf(fileName) {
  let index = emitted.get(fileName)
  if (index !== undefined) return index
  index = new Map()
  emitted.set(fileName, index)
  const text = readFileSync(fileName, 'utf8')
  const dts = fileName.endsWith('.d.ts')
    ? text
    : ts.transpileDeclaration(text, { fileName, compilerOptions: declarationOptions }).outputText
  const sf = ts.createSourceFile(`${fileName}.d.ts`, dts, ts.ScriptTarget.Latest, true)
  const add = (name, node) => {
    const list = index.get(name) ?? []
    list.push({ node, sf })
    index.set(name, list)
  }
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) add(d.name.text, st)
    } else if (
      (ts.isClassDeclaration(st) ||
        ts.isFunctionDeclaration(st) ||
        ts.isInterfaceDeclaration(st) ||
        ts.isTypeAliasDeclaration(st) ||
        ts.isEnumDeclaration(st) ||
        ts.isModuleDeclaration(st)) &&
      st.name !== undefined
    ) {
      add(st.name.text, st)
    }
  }
  return index
}

const isPrivateMember = (m) =>
  (m.name !== undefined && ts.isPrivateIdentifier(m.name)) ||
  (ts.canHaveModifiers(m) && (ts.getModifiers(m) ?? []).some((x) => x.kind === ts.SyntaxKind.PrivateKeyword))

/** The statement as TypeScript prints it, without private class members. */
function printStatement({ node, sf }) {
  let out = node
  if (ts.isClassDeclaration(node)) {
    out = ts.factory.updateClassDeclaration(
      node,
      node.modifiers,
      node.name,
      node.typeParameters,
      node.heritageClauses,
      node.members.filter((m) => !isPrivateMember(m)),
    )
  }
  return printer.printNode(ts.EmitHint.Unspecified, out, sf)
}

/** Names of the types a declaration refers to (`Foo` in `x: Foo<Bar>`, `extends Foo`, `typeof foo`). */
function referencedNames(node, into) {
  const visit = (n) => {
    if (ts.isClassElement(n) && isPrivateMember(n)) return
    if (ts.isTypeReferenceNode(n) && ts.isIdentifier(n.typeName)) into.add(n.typeName.text)
    if (ts.isExpressionWithTypeArguments(n) && ts.isIdentifier(n.expression)) into.add(n.expression.text)
    if (ts.isTypeQueryNode(n) && ts.isIdentifier(n.exprName)) into.add(n.exprName.text)
    ts.forEachChild(n, visit)
  }
  visit(node)
  return into
}

function kindOf(decl) {
  if (ts.isClassDeclaration(decl)) return 'class'
  if (ts.isFunctionDeclaration(decl)) return 'function'
  if (ts.isInterfaceDeclaration(decl)) return 'interface'
  if (ts.isTypeAliasDeclaration(decl)) return 'type'
  if (ts.isEnumDeclaration(decl)) return 'enum'
  if (ts.isModuleDeclaration(decl)) return 'namespace'
  if (ts.isVariableDeclaration(decl)) {
    return decl.parent.flags & ts.NodeFlags.Const ? 'const' : 'let'
  }
  return ts.SyntaxKind[decl.kind]
}

function packageOfFile(fileName, packages) {
  const pkg = packages.find((p) => fileName.startsWith(p.dir + sep))
  return pkg?.name ?? relative(root, fileName)
}

/** Markdown report of one package. */
function report(pkg, program, packages) {
  const checker = program.getTypeChecker()
  const referenced = new Set()
  const lines = [
    `# API report: \`${pkg.name}\``,
    '',
    'Generated by `npm run api:update` (scripts/api-report.mjs); do not edit by hand. `npm test` fails when this',
    'file no longer matches the exports, so a change to the public API shows up in review.',
  ]
  for (const entry of pkg.entries) {
    const sf = program.getSourceFile(entry.file)
    if (sf === undefined) throw new Error(`${relative(root, entry.file)} is not in the program`)
    const moduleSymbol = checker.getSymbolAtLocation(sf)
    const specifier = entry.subpath === '.' ? pkg.name : `${pkg.name}/${entry.subpath.replace(/^\.\//, '')}`
    lines.push('', `## \`${specifier}\``, '')
    const exports = moduleSymbol === undefined ? [] : checker.getExportsOfModule(moduleSymbol)
    exports.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    lines.push(`${exports.length} exports, in code-point order of their names:`, '', '```ts')
    for (const sym of exports) {
      const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym
      const decls = target.declarations ?? []
      if (decls.length === 0) {
        lines.push(`// ${sym.name}: (no declaration)`, '')
        continue
      }
      const origin = packageOfFile(decls[0].getSourceFile().fileName, packages)
      const kinds = [...new Set(decls.map(kindOf))].join(' + ')
      const renamed = target.name !== sym.name ? ` (declared as ${target.name})` : ''
      const from = origin !== pkg.name ? `, from ${origin}` : ''
      lines.push(`// ${sym.name}: ${kinds}${renamed}${from}`)
      const files = [...new Set(decls.map((d) => d.getSourceFile().fileName))]
      const statements = files.flatMap((f) => declarationsOf(f).get(target.name) ?? [])
      if (statements.length === 0) {
        lines.push(`declare const ${sym.name}: ${checker.typeToString(checker.getTypeOfSymbol(target))};`)
      } else {
        for (const st of statements) {
          lines.push(printStatement(st))
          referencedNames(st.node, referenced)
        }
      }
      lines.push('')
    }
    if (lines.at(-1) === '') lines.pop()
    lines.push('```')
  }
  lines.push(...leftOut(pkg, program, packages, referenced))
  return `${lines.join('\n')}\n`
}

/** Names of a module's exports. */
function exportNames(checker, file, program) {
  const sf = program.getSourceFile(file)
  const sym = sf === undefined ? undefined : checker.getSymbolAtLocation(sf)
  return sym === undefined ? [] : checker.getExportsOfModule(sym).map((s) => s.name)
}

/**
 * For a package whose entry only re-exports workspace packages by name (the meta-package): the exports of those
 * packages it leaves out, so that a new export in a dependency shows up here and is kept out (or added) on
 * purpose, and the workspace types its signatures refer to that it does not export.
 */
function leftOut(pkg, program, packages, referenced) {
  const checker = program.getTypeChecker()
  const deps = packages.filter((p) => pkg.dependencies.includes(p.name))
  const main = pkg.entries.find((e) => e.subpath === '.')
  if (main === undefined || deps.length === 0) return []
  const source = readFileSync(main.file, 'utf8')
  // Only for an entry that is nothing but re-exports of workspace packages.
  if (source.includes("from './")) return []
  const reexported = deps.filter((d) => source.includes(`from '${d.name}'`))
  if (reexported.length === 0) return []
  const own = new Set(exportNames(checker, main.file, program))
  const lines = [
    '',
    '## Left out',
    '',
    'Exports of the re-exported packages that this package does not re-export (internals, or not yet decided):',
    '',
  ]
  for (const dep of reexported) {
    const depMain = dep.entries.find((e) => e.subpath === '.')
    if (depMain === undefined) continue
    const names = exportNames(checker, depMain.file, program)
      .filter((n) => !own.has(n))
      .sort()
    for (const n of names) lines.push(`- \`${n}\` (${dep.name})`)
  }
  // A type that a signature above refers to but that cannot be imported from this package.
  const workspace = new Set(
    packages.flatMap((p) => p.entries.flatMap((e) => exportNames(checker, e.file, program))),
  )
  const dangling = [...referenced].filter((n) => workspace.has(n) && !own.has(n)).sort()
  lines.push(
    '',
    '## Referenced but not exported',
    '',
    dangling.length === 0
      ? 'None: every workspace type that the signatures above refer to is exported here.'
      : `Signatures above refer to these types, which cannot be imported from here: ${dangling.map((n) => `\`${n}\``).join(', ')}`,
  )
  return lines
}

function reportFileName(pkgName) {
  return `${pkgName.replace(/^@gracedb-kafka\//, '')}.api.md`
}

function main() {
  const check = process.argv.includes('--check')
  const packages = publicPackages()
  const program = ts.createProgram({
    rootNames: packages.flatMap((p) => p.entries.map((e) => e.file)),
    options: compilerOptions(),
  })
  const wanted = new Map(packages.map((p) => [reportFileName(p.name), report(p, program, packages)]))
  const existing = existsSync(apiDir) ? readdirSync(apiDir).filter((f) => f.endsWith('.api.md')) : []

  if (check) {
    const problems = []
    for (const [file, text] of wanted) {
      const path = join(apiDir, file)
      if (!existsSync(path)) {
        problems.push(`api/${file} is missing`)
        continue
      }
      const old = readFileSync(path, 'utf8').split('\n')
      const now = text.split('\n')
      const removed = old.filter((l) => !now.includes(l))
      const added = now.filter((l) => !old.includes(l))
      if (removed.length > 0 || added.length > 0 || old.length !== now.length) {
        problems.push(`api/${file} is stale:`)
        for (const l of removed.slice(0, 10)) problems.push(`  - ${l}`)
        for (const l of added.slice(0, 10)) problems.push(`  + ${l}`)
      }
    }
    for (const file of existing) if (!wanted.has(file)) problems.push(`api/${file} has no package any more`)
    if (problems.length > 0) {
      process.stderr.write(
        `${problems.join('\n')}\nThe public API changed: review it, then run npm run api:update\n`,
      )
      process.exit(1)
    }
    process.stderr.write(`api-report: ${wanted.size} reports up to date\n`)
    return
  }

  mkdirSync(apiDir, { recursive: true })
  for (const file of existing) if (!wanted.has(file)) rmSync(join(apiDir, file))
  for (const [file, text] of wanted) {
    mkdirSync(dirname(join(apiDir, file)), { recursive: true })
    writeFileSync(join(apiDir, file), text)
  }
  process.stderr.write(`api-report: wrote ${[...wanted.keys()].map((f) => `api/${f}`).join(', ')}\n`)
}

main()
