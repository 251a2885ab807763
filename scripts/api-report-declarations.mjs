// Declaration emit for the API report (scripts/api-report.mjs): each source file's declarations as TypeScript
// emits them (bodies and comments removed), indexed by top-level name, printed without private class members,
// and the type names each declaration refers to.
import { readFileSync } from 'node:fs'
import ts from 'typescript'

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
export function declarationsOf(fileName) {
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
export function printStatement({ node, sf }) {
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
export function referencedNames(node, into) {
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
