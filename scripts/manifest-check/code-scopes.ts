import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { Finding } from './types';

/** Packages whose runtime use needs a scope that @forge/lint cannot see (it only knows @forge/api `storage`). */
export const PACKAGE_SCOPES: Readonly<Record<string, string>> = {
  '@forge/kvs': 'storage:app',
};

export interface PackageScopeUse {
  scope: string;
  file: string;
  line: number;
  packageName: string;
}

/** Value (not type-only) imports of packages in PACKAGE_SCOPES, and `require()` of them. */
export function findPackageScopeUses(appDir: string, files: readonly string[]): PackageScopeUse[] {
  const uses: PackageScopeUse[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, fs.readFileSync(path.join(appDir, file), 'utf8'), ts.ScriptTarget.Latest, true);
    const record = (node: ts.Node, packageName: string) => {
      const scope = PACKAGE_SCOPES[packageName];
      if (scope) uses.push({ scope, file, packageName, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 });
    };
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && !node.importClause?.isTypeOnly) {
        const named = node.importClause?.namedBindings;
        const onlyTypes =
          !node.importClause?.name && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
        if (!onlyTypes) record(node, node.moduleSpecifier.text);
      } else if (
        ts.isCallExpression(node) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'require' &&
        node.arguments[0] !== undefined &&
        ts.isStringLiteral(node.arguments[0])
      ) {
        record(node, node.arguments[0].text);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return uses;
}

export function checkPackageScopes(uses: readonly PackageScopeUse[], declared: readonly string[]): Finding[] {
  const reported = new Set<string>();
  const findings: Finding[] = [];
  for (const use of uses) {
    if (declared.includes(use.scope) || reported.has(use.scope)) continue;
    reported.add(use.scope);
    findings.push({
      severity: 'error',
      source: 'code-scopes',
      file: use.file,
      line: use.line,
      message: `${use.file}:${use.line} uses ${use.packageName}, which needs scope "${use.scope}": add it to permissions.scopes`,
    });
  }
  return findings;
}

/** Least privilege: a declared scope no call we can see needs is reported (a warning: calls built dynamically are invisible). */
export function checkUnusedScopes(declared: readonly string[], required: ReadonlySet<string>): Finding[] {
  return declared
    .filter((scope) => !required.has(scope))
    .map((scope) => ({
      severity: 'warning' as const,
      source: 'least-privilege',
      message: `scope "${scope}" is declared but no call found in the bundled sources needs it: remove it unless it is used in a way the linters cannot see`,
    }));
}
