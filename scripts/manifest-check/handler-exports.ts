import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { Finding } from './types';

export const HANDLER_EXTENSIONS = ['tsx', 'jsx', 'ts', 'js', 'cjs'] as const;

export interface FunctionDecl {
  key: string;
  handler: string;
}

/** `forge/index.ingest` → { file: 'forge/index', exportName: 'ingest' }, or null when not of that shape. */
export function splitHandler(handler: string): { file: string; exportName: string } | null {
  const match = /^([\p{L}\d_-]+(?:\/[\p{L}\d_-]+)*)\.([\p{L}\d_-]+)$/u.exec(handler);
  if (!match || match[1] === undefined || match[2] === undefined) return null;
  return { file: match[1], exportName: match[2] };
}

/** The handler's source file (relative to appDir) as Forge resolves it: `<handlersDir>/<file>.<ext>`. */
export function resolveHandlerFile(appDir: string, handlersDir: string, file: string): string | null {
  for (const ext of HANDLER_EXTENSIONS) {
    const rel = `${handlersDir}/${file}.${ext}`;
    if (fs.existsSync(path.join(appDir, rel))) return rel;
  }
  return null;
}

function hasExportModifier(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((el) => (ts.isOmittedExpression(el) ? [] : bindingNames(el.name)));
}

/**
 * Names a module exports at runtime, read from its syntax: `export const|let|var|function|class NAME`,
 * `export { a as NAME }` (not `export type`), and CommonJS `exports.NAME =` / `module.exports.NAME =`.
 * `export *` cannot be followed without resolving modules, so it is reported separately.
 */
export function exportedNames(code: string, fileName: string): { names: Set<string>; hasExportStar: boolean } {
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true);
  const names = new Set<string>();
  let hasExportStar = false;
  for (const stmt of source.statements) {
    if (ts.isVariableStatement(stmt) && hasExportModifier(stmt)) {
      for (const decl of stmt.declarationList.declarations) bindingNames(decl.name).forEach((n) => names.add(n));
    } else if ((ts.isFunctionDeclaration(stmt) || ts.isClassDeclaration(stmt)) && hasExportModifier(stmt) && stmt.name) {
      names.add(stmt.name.text);
    } else if (ts.isExportDeclaration(stmt) && !stmt.isTypeOnly) {
      if (!stmt.exportClause) hasExportStar = true;
      else if (ts.isNamedExports(stmt.exportClause)) {
        for (const spec of stmt.exportClause.elements) if (!spec.isTypeOnly) names.add(spec.name.text);
      }
    } else if (ts.isExpressionStatement(stmt) && ts.isBinaryExpression(stmt.expression)) {
      const left = stmt.expression.left;
      if (stmt.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(left)) {
        const target = left.expression.getText(source);
        if (target === 'exports' || target === 'module.exports') names.add(left.name.text);
      }
    }
  }
  return { names, hasExportStar };
}

/** Every function's handler must name an existing file under handlersDir that really exports that name. */
export function checkHandlerExports(appDir: string, handlersDir: string, functions: readonly FunctionDecl[]): Finding[] {
  const findings: Finding[] = [];
  for (const fn of functions) {
    const parts = splitHandler(fn.handler);
    if (!parts) {
      findings.push({ severity: 'error', source: 'handler-exports', message: `function "${fn.key}": handler "${fn.handler}" is not of the form <path>.<export>` });
      continue;
    }
    const file = resolveHandlerFile(appDir, handlersDir, parts.file);
    if (!file) {
      findings.push({
        severity: 'error',
        source: 'handler-exports',
        message: `function "${fn.key}": handler "${fn.handler}" needs ${handlersDir}/${parts.file}.(${HANDLER_EXTENSIONS.join('|')}), which does not exist`,
      });
      continue;
    }
    const { names, hasExportStar } = exportedNames(fs.readFileSync(path.join(appDir, file), 'utf8'), file);
    if (!names.has(parts.exportName)) {
      const hint = hasExportStar ? ' (it has `export *`, which this check does not follow: export the name explicitly)' : '';
      findings.push({
        severity: 'error',
        source: 'handler-exports',
        file,
        message: `function "${fn.key}": ${file} does not export "${parts.exportName}"${hint}`,
      });
    }
  }
  return findings;
}
