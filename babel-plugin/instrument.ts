import type { NodePath, types as BabelTypes } from '@babel/core';
import type { FunctionInfo, InstrumentContext, Types } from './context';
import { DependencyAnalysis } from './dependencies';
import { findOpaqueUnits, isInsideOpaque } from './functions';
import { OriginalPositions } from './original-positions';
import { declareCells, findSharedVariables } from './shared-variables';
import { SiteTable } from './sites';
import { ignoredLines } from './suppressions';
import { Templates } from './templates';
import { buildVisitor } from './visitors';

export interface InstrumentOptions {
  readonly t: Types;
  /** Module specifier instrumented code loads the runtime from. */
  readonly runtime: string;
  /** File name recorded for the module's sites (absolute; made relative when reported). */
  readonly filename: string;
  /** ES module or CommonJS, when the host knows. */
  readonly moduleType: 'esm' | 'cjs' | undefined;
  /** The source map of the code as it came in (compiled JavaScript), if any. */
  readonly inputSourceMap?: unknown;
}

/**
 * Whether the file is an ES module, when the host did not say: an `.mjs`/`.mts` file, or one using
 * syntax only modules have (import/export declarations, `import.meta`, top-level await). Babel's
 * default `sourceType` is "module" even for CommonJS files, so that alone decides nothing.
 */
function isEsm(program: NodePath<BabelTypes.Program>, filename: string): boolean {
  if (program.node.sourceType !== 'module') return false;
  if (/\.m[jt]s$/.test(filename)) return true;
  if (program.node.body.some((s) => s.type.startsWith('Import') || s.type.startsWith('Export'))) return true;
  return usesModuleSyntax(program, true);
}

/** Whether the module's top level awaits (`await`, `for await`); with `meta`, or uses `import.meta`. */
function usesModuleSyntax(program: NodePath<BabelTypes.Program>, meta: boolean): boolean {
  let found = false;
  program.traverse({
    Function: (fn) => fn.skip(),
    'MetaProperty|AwaitExpression|ForOfStatement'(path) {
      if (path.isMetaProperty() && (!meta || path.node.meta.name !== 'import')) return;
      if (path.isForOfStatement() && !path.node.await) return;
      found = true;
      path.stop();
    },
  });
  return found;
}

/** A top-level function declaration named `require` replaces Node's before the first line runs. */
function hidesRequire(program: NodePath<BabelTypes.Program>): boolean {
  return program.scope.getBinding('require')?.kind === 'hoisted';
}

/**
 * Instruments one file, before any other plugin changes it: finds shared variables, works out which
 * writes depend on which earlier reads, rewrites reads, writes and awaits into runtime calls, and
 * finally loads the runtime and registers the file's site table (and suppressed lines) at the top.
 */
export function instrumentProgram(program: NodePath<BabelTypes.Program>, options: InstrumentOptions): void {
  const { t } = options;
  const opaque = findOpaqueUnits(program);
  const original = new OriginalPositions(options.inputSourceMap, options.filename);
  const ctx: InstrumentContext = {
    t,
    sites: new SiteTable(original),
    runtime: program.scope.generateUidIdentifier('asyncrace'),
    module: program.scope.generateUidIdentifier('asyncraceModule'),
    shared: new Map(),
    functions: new Map(),
    readStamps: new Map(),
    stampsAround: new Map(),
    writeDependencies: new Map(),
    implicitReadStamps: new Map(),
    writeFlows: new Map(),
    returnFlows: new Map(),
    argumentFlows: new Map(),
    carriers: new Map(),
    generated: new WeakSet(),
    isOpaque: (path) => isInsideOpaque(path, opaque),
  };
  const templates = new Templates(t, ctx.runtime, ctx.module);

  const found = findSharedVariables(program, ctx);
  program.traverse({
    Function(fn: NodePath<BabelTypes.Function>) {
      // A generator's body runs a piece at a time, at its consumer's pace: left to the tasks around it.
      if ((fn.node.generator && !fn.node.async) || ctx.isOpaque(fn)) return;
      const info: FunctionInfo = { task: fn.node.async ? fn.scope.generateUidIdentifier('t') : null, ownTask: false, stampLocals: [], parameterTakes: [] };
      // `async (n) => x += await n`: give the body a block, so the analysis sees the body's own node.
      // (Every async function gets a block body when it is wrapped anyway.)
      if (fn.node.async) fn.ensureBlock();
      new DependencyAnalysis(fn, info, ctx).run();
      if (info.task || info.stampLocals.length > 0) ctx.functions.set(fn.node, info);
    },
  });
  // A module with top-level await is a task of its own, like an async function's body.
  const topLevel: FunctionInfo | undefined = program.node.sourceType === 'module' && !ctx.isOpaque(program) && usesModuleSyntax(program, false)
    ? { task: program.scope.generateUidIdentifier('t'), ownTask: false, stampLocals: [], parameterTakes: [] }
    : undefined;
  if (topLevel) {
    new DependencyAnalysis(program, topLevel, ctx).run();
    ctx.functions.set(program.node, topLevel);
  }
  if (found.length === 0 && ctx.functions.size === 0) return;

  program.traverse(buildVisitor(ctx, templates));
  const cells = declareCells(found, templates);
  program.unshiftContainer('body', [
    templates.loadRuntime(options.runtime, options.moduleType ? options.moduleType === 'esm' : isEsm(program, options.filename), hidesRequire(program)),
    templates.registerModule(
      original.file(), ctx.sites.toArrayExpression(t), ignoredLines((program.parent as BabelTypes.File).comments, original),
      original.file() === options.filename ? undefined : options.filename,
    ),
    ...cells,
    ...(topLevel ? templates.moduleTaskStart(topLevel.task!, topLevel.stampLocals) : []),
  ]);
  // Left when the module's code ends; a module that throws has failed as a whole.
  if (topLevel) program.pushContainer('body', templates.moduleTaskEnd(topLevel.task!));
}
