import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import ts from 'typescript';

/** What the architecture tests read of one source file: its strings (code only, never comments) and imports. */
export interface SourceFacts {
  /** Repository-relative, with forward slashes. */
  readonly path: string;
  /** Every string literal and template part, with its line. */
  readonly strings: readonly { readonly text: string; readonly line: number }[];
  /** Every imported module, resolved to a repository-relative path when it is relative. */
  readonly imports: readonly { readonly target: string; readonly line: number }[];
}

export const ROOT = resolve(import.meta.dirname, '../..');

export function sourceFiles(folder: string, extensions = ['.ts', '.tsx']): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (extensions.some((e) => entry.name.endsWith(e)) && !entry.name.endsWith('.d.ts'))
        out.push(full);
    }
  };
  walk(join(ROOT, folder));
  return out.map((f) => relative(ROOT, f).split('\\').join('/')).sort();
}

export function readFacts(path: string): SourceFacts {
  const text = readFileSync(join(ROOT, path), 'utf8');
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const strings: { text: string; line: number }[] = [];
  const imports: { target: string; line: number }[] = [];
  const lineOf = (node: ts.Node) => file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
  const addImport = (spec: string, node: ts.Node) => {
    const target = spec.startsWith('.') ? posix.normalize(posix.join(posix.dirname(path), spec)) : spec;
    imports.push({ target, line: lineOf(node) });
  };
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      addImport(node.moduleSpecifier.text, node);
      return;
    }
    if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      addImport(node.arguments[0].text, node);
      return;
    }
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      strings.push({ text: node.text, line: lineOf(node) });
    } else if (ts.isTemplateExpression(node)) {
      strings.push({ text: node.head.text, line: lineOf(node) });
      for (const span of node.templateSpans) strings.push({ text: span.literal.text, line: lineOf(span) });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { path, strings, imports };
}

/** `dirname` of a repository-relative path, with forward slashes. */
export const folderOf = (path: string): string => dirname(path).split('\\').join('/');
