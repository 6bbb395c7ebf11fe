import { readFileSync } from 'node:fs';
import ts from 'typescript';

/**
 * The validate-rules fixtures, read from test/dsl/validate/rules.test.ts (its `CASES`: a flow per
 * kind of mistake) without importing it, which would run its tests here too.
 */
export function ruleFixtures(): Record<string, string> {
  const file = 'test/dsl/validate/rules.test.ts';
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  const cases: Record<string, string> = {};
  const visit = (node: ts.Node): void => {
    if (
      ts.isVariableDeclaration(node) &&
      node.name.getText(source) === 'CASES' &&
      node.initializer &&
      ts.isObjectLiteralExpression(node.initializer)
    ) {
      for (const property of node.initializer.properties) {
        if (!ts.isPropertyAssignment(property)) continue;
        const name =
          ts.isStringLiteral(property.name) || ts.isIdentifier(property.name) ? property.name.text : property.name.getText(source);
        if (ts.isNoSubstitutionTemplateLiteral(property.initializer) || ts.isStringLiteral(property.initializer))
          cases[name] = property.initializer.text;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return cases;
}
