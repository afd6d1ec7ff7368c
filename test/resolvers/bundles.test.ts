/**
 * The built bundles are what AppSync runs: one ES module each, under 32 KB, importing nothing
 * but `@aws-appsync/utils`, exporting request/response, and free of what APPSYNC_JS rejects —
 * checked on the bundled output, which also holds code from outside resolvers/ (the table
 * layout) that the AppSync linter never sees.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeEntries, MAX_CODE_BYTES, RUNTIME_SURFACE } from '../../resolvers/manifest';
import { buildBundles, type Bundles } from './harness';

let bundles: Bundles;
beforeAll(async () => {
  bundles = await buildBundles();
});
afterAll(() => bundles.cleanup());

/** Method names the AppSync linter denies (its no-disallowed-methods list), as they appear in calls. */
const DENIED_METHODS = new Set([
  'copyWithin', 'entries', 'group', 'groupToMap', 'keys', 'values', 'toLocaleString',
  'create', 'defineProperties', 'defineProperty', 'freeze', 'getOwnPropertyDescriptor',
  'getOwnPropertyDescriptors', 'getOwnPropertyNames', 'getOwnPropertySymbols', 'getPrototypeOf',
  'isExtensible', 'isFrozen', 'isSealed', 'preventExtensions', 'seal', 'setPrototypeOf',
  'charCodeAt', 'fromCharCode', 'fromCodePoint', 'localeCompare', 'matchAll', 'padEnd', 'padStart',
  'repeat', 'search', 'toLocaleLowerCase', 'toLocaleUpperCase', 'toGMTString',
]);

/** Array methods that may take a function (the linter's no-function-passing allow-list). */
const CALLBACK_METHODS = new Set([
  'map', 'find', 'filter', 'findIndex', 'findLast', 'findLastIndex', 'forEach', 'reduce', 'reduceRight', 'every', 'some', 'flatMap',
]);

interface Finding {
  what: string;
  line: number;
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ESNext, true, ts.ScriptKind.JS);
}

/** Everything in the module that APPSYNC_JS does not run. */
function forbidden(sf: ts.SourceFile): Finding[] {
  const found: Finding[] = [];
  const report = (node: ts.Node, what: string): void => {
    found.push({ what, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
  };
  const functionNames: string[] = [];
  const visit = (node: ts.Node): void => {
    switch (node.kind) {
      case ts.SyntaxKind.TryStatement: report(node, 'try'); break;
      case ts.SyntaxKind.ThrowStatement: report(node, 'throw'); break;
      case ts.SyntaxKind.WhileStatement: report(node, 'while'); break;
      case ts.SyntaxKind.DoStatement: report(node, 'do-while'); break;
      case ts.SyntaxKind.ForStatement: report(node, 'for(;;)'); break;
      case ts.SyntaxKind.ContinueStatement: report(node, 'continue'); break;
      case ts.SyntaxKind.LabeledStatement: report(node, 'label'); break;
      case ts.SyntaxKind.ClassDeclaration:
      case ts.SyntaxKind.ClassExpression: report(node, 'class'); break;
      case ts.SyntaxKind.RegularExpressionLiteral: report(node, 'regex literal'); break;
      case ts.SyntaxKind.AwaitExpression: report(node, 'await'); break;
      case ts.SyntaxKind.YieldExpression: report(node, 'yield'); break;
      case ts.SyntaxKind.ThisKeyword: report(node, 'this'); break;
      default: break;
    }
    if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
      (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken ||
        node.operator === ts.SyntaxKind.TildeToken)) {
      report(node, ts.tokenToString(node.operator) ?? 'unary');
    }
    if (ts.isBinaryExpression(node) &&
      (node.operatorToken.kind === ts.SyntaxKind.InKeyword || node.operatorToken.kind === ts.SyntaxKind.InstanceOfKeyword)) {
      report(node, ts.tokenToString(node.operatorToken.kind) ?? 'operator');
    }
    if (ts.isFunctionLike(node)) {
      const mods = ts.canHaveModifiers(node) ? ts.getModifiers(node) ?? [] : [];
      if (mods.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) report(node, 'async');
      if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node)) && node.asteriskToken) report(node, 'generator');
    }
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (ts.isPropertyAccessExpression(callee) && DENIED_METHODS.has(callee.name.text)) {
        report(node, 'method ' + callee.name.text);
      }
      if (ts.isIdentifier(callee) && functionNames.includes(callee.text)) report(node, 'recursion ' + callee.text);
      if (ts.isIdentifier(callee) && callee.text === 'require') report(node, 'require');
      if (callee.kind === ts.SyntaxKind.ImportKeyword) report(node, 'dynamic import');
      const passesFunction = node.arguments.some((a) => ts.isArrowFunction(a) || ts.isFunctionExpression(a));
      const isCallbackMethod = ts.isPropertyAccessExpression(callee) && CALLBACK_METHODS.has(callee.name.text);
      if (passesFunction && !isCallbackMethod) report(node, 'function passed to ' + callee.getText(sf));
    }
    const named = ts.isFunctionDeclaration(node) && node.name ? node.name.text : null;
    if (named) functionNames.push(named);
    ts.forEachChild(node, visit);
    if (named) functionNames.pop();
  };
  visit(sf);
  return found;
}

describe('resolver bundles', () => {
  it('builds one bundle per manifest code, each under 32 KB', () => {
    expect(bundles.built.map((b) => b.code).sort()).toEqual([...codeEntries()].sort());
    expect(bundles.built.length).toBe(26);
    for (const b of bundles.built) {
      expect(b.bytes, b.code).toBeGreaterThan(100);
      expect(b.bytes, b.code).toBeLessThan(MAX_CODE_BYTES);
      expect(readFileSync(b.file).length, b.code).toBe(b.bytes);
      expect(b.file.endsWith('/' + b.code + '.js')).toBe(true);
    }
  });

  it('each bundle is one ES module importing only @aws-appsync/utils and exporting request/response', () => {
    for (const b of bundles.built) {
      const sf = parse(b.file);
      const imports: string[] = [];
      const exported: string[] = [];
      for (const st of sf.statements) {
        if (ts.isImportDeclaration(st)) imports.push((st.moduleSpecifier as ts.StringLiteral).text);
        if (ts.isExportDeclaration(st)) {
          expect(st.moduleSpecifier, `${b.code} re-exports from another module`).toBeUndefined();
          const clause = st.exportClause;
          if (clause && ts.isNamedExports(clause)) exported.push(...clause.elements.map((e) => e.name.text));
        }
      }
      expect(imports.filter((spec) => spec !== '@aws-appsync/utils'), b.code).toEqual([]);
      expect(exported.sort(), b.code).toEqual(['request', 'response']);
      expect(readFileSync(b.file, 'utf8'), b.code).not.toContain('sourceMappingURL');
    }
  });

  it('bundles that use util import it from @aws-appsync/utils (User.faces, me and deleteMe need nothing)', () => {
    const importers = bundles.built.filter((b) => readFileSync(b.file, 'utf8').includes('from "@aws-appsync/utils"'));
    expect(bundles.built.filter((b) => !importers.includes(b)).map((b) => b.code).sort()).toEqual(['Mutation.deleteMe', 'Query.me', 'User.faces']);
  });

  it('the bundles call exactly RUNTIME_SURFACE of util / runtime / extensions', () => {
    const used = new Set<string>();
    for (const b of bundles.built) {
      const sf = parse(b.file);
      // Local names the bundle bound to util / runtime / extensions (esbuild renames: util2 …).
      const bound = new Map<string, string>();
      for (const st of sf.statements) {
        if (ts.isImportDeclaration(st) && st.importClause?.namedBindings && ts.isNamedImports(st.importClause.namedBindings)) {
          for (const el of st.importClause.namedBindings.elements) bound.set(el.name.text, (el.propertyName ?? el.name).text);
        }
      }
      const visit = (node: ts.Node): void => {
        if (ts.isPropertyAccessExpression(node) && !ts.isPropertyAccessExpression(node.parent)) {
          const parts: string[] = [];
          let e: ts.Expression = node;
          while (ts.isPropertyAccessExpression(e)) {
            parts.unshift(e.name.text);
            e = e.expression;
          }
          if (ts.isIdentifier(e) && bound.has(e.text)) used.add([bound.get(e.text), ...parts].join('.'));
        }
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
    expect([...used].sort()).toEqual([...RUNTIME_SURFACE]);
  });

  it('bundles contain nothing APPSYNC_JS rejects', () => {
    const all: Record<string, Finding[]> = {};
    for (const b of bundles.built) {
      const found = forbidden(parse(b.file));
      if (found.length > 0) all[b.code] = found;
    }
    expect(all).toEqual({});
  });

  it('the checker itself catches what it should', () => {
    const sf = ts.createSourceFile(
      'x.js',
      'function f(n) { try { throw 1 } catch {} while (n) {} for (;;) {} n++; if ("a" in n) {} ' +
        'const r = /x/; "a".padStart(2); return f(n - 1) }\nclass C {}\nasync function g() {}\nsetTimeout(() => 1);\n',
      ts.ScriptTarget.ESNext,
      true,
      ts.ScriptKind.JS,
    );
    expect(forbidden(sf).map((f) => f.what).sort()).toEqual(
      [
        'try', 'throw', 'while', 'for(;;)', '++', 'in', 'regex literal', 'method padStart', 'recursion f', 'class', 'async',
        'function passed to setTimeout',
      ].sort(),
    );
  });

  it('code from the table layout that APPSYNC_JS cannot run is tree-shaken away', () => {
    for (const b of bundles.built) {
      const text = readFileSync(b.file, 'utf8');
      expect(text, b.code).not.toContain('eventSk');
      expect(text, b.code).not.toContain('padStart');
    }
  });
});
