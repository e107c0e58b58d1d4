import type { NodePath, types as BabelTypes } from '@babel/core';
import type { Binding } from '@babel/traverse';
import { DependencyKind, type AsyncFunctionInfo, type InstrumentContext, type ReadStamp } from './context';
import { enclosingUnit } from './functions';

/**
 * What an expression is computed from, within one async function: reads of shared variables it
 * contains, and locals of the function whose values it uses.
 */
interface Sources {
  readonly reads: Set<NodePath<BabelTypes.Identifier>>;
  readonly locals: Set<Binding>;
}

function emptySources(): Sources {
  return { reads: new Set(), locals: new Set() };
}

function containsAwait(path: NodePath): boolean {
  if (path.isAwaitExpression() || path.isYieldExpression()) return true;
  let found = false;
  path.traverse({
    Function(inner) {
      inner.skip();
    },
    'AwaitExpression|YieldExpression'(inner) {
      found = true;
      inner.stop();
    },
  });
  return found;
}

/**
 * The static half of "a write computed from a stale read": for each write of a shared variable in
 * an async function, the earlier reads of that same variable its value (or, for `??=` and friends,
 * its condition) depends on — directly, or through locals of the function assigned from them.
 * Those reads get stamps (the version they saw and the task's await count), so the runtime can tell
 * at the write whether the read went stale across an await.
 */
export class DependencyAnalysis {
  private readonly localSources = new Map<Binding, Sources>();
  private readonly taintMemo = new Map<Binding, Set<NodePath<BabelTypes.Identifier>>>();

  constructor(
    private readonly fn: NodePath<BabelTypes.Function>,
    private readonly info: AsyncFunctionInfo,
    private readonly ctx: InstrumentContext,
  ) {}

  private ownUnit(path: NodePath): boolean {
    return enclosingUnit(path) === this.fn;
  }

  /** A local of this function that no other function touches (shared ones are tracked as locations). */
  private localBinding(path: NodePath, name: string): Binding | undefined {
    const binding = path.scope.getBinding(name);
    if (!binding || this.ctx.shared.has(binding.identifier)) return undefined;
    return this.ownUnit(binding.path) || binding.path === this.fn ? binding : undefined;
  }

  private sourcesOf(path: NodePath | null | undefined, into: Sources = emptySources()): Sources {
    if (!path || !path.node) return into;
    const visit = (id: NodePath<BabelTypes.Identifier>): void => {
      if (!id.isReferencedIdentifier()) return;
      const binding = id.scope.getBinding(id.node.name);
      if (!binding) return;
      if (this.ctx.shared.has(binding.identifier)) into.reads.add(id);
      else if (this.localBinding(id, id.node.name) === binding) into.locals.add(binding);
    };
    if (path.isIdentifier()) visit(path);
    else path.traverse({ Function: (inner) => inner.skip(), Identifier: visit });
    return into;
  }

  private addLocalSource(binding: Binding, sources: Sources): void {
    const existing = this.localSources.get(binding) ?? emptySources();
    sources.reads.forEach((r) => existing.reads.add(r));
    sources.locals.forEach((l) => existing.locals.add(l));
    this.localSources.set(binding, existing);
  }

  /** Every shared read a local's value may come from (following locals assigned from locals). */
  private taint(binding: Binding, visiting = new Set<Binding>()): Set<NodePath<BabelTypes.Identifier>> {
    const memo = this.taintMemo.get(binding);
    if (memo) return memo;
    const result = new Set<NodePath<BabelTypes.Identifier>>();
    if (visiting.has(binding)) return result;
    visiting.add(binding);
    const sources = this.localSources.get(binding);
    if (sources) {
      sources.reads.forEach((r) => result.add(r));
      sources.locals.forEach((l) => this.taint(l, visiting).forEach((r) => result.add(r)));
    }
    visiting.delete(binding);
    if (visiting.size === 0) this.taintMemo.set(binding, result);
    return result;
  }

  private stampFor(site: number): ReadStamp {
    const stamp: ReadStamp = {
      version: this.fn.scope.generateUidIdentifier('v'),
      awaits: this.fn.scope.generateUidIdentifier('q'),
      site,
    };
    this.info.stampLocals.push(stamp.version, stamp.awaits);
    return stamp;
  }

  private readStamp(read: NodePath<BabelTypes.Identifier>): ReadStamp {
    let stamp = this.ctx.readStamps.get(read.node);
    if (!stamp) {
      stamp = this.stampFor(this.ctx.sites.add(read.node));
      this.ctx.readStamps.set(read.node, stamp);
    }
    return stamp;
  }

  private identifierTargets(pattern: NodePath): NodePath<BabelTypes.Identifier>[] {
    if (pattern.isIdentifier()) return [pattern];
    return Object.values(pattern.getBindingIdentifierPaths(false, false) as Record<string, NodePath<BabelTypes.Identifier>>);
  }

  /** Record where the function's locals get their values from. */
  private collectLocalFlows(): void {
    const assignLocals = (target: NodePath, sources: Sources): void => {
      for (const id of this.identifierTargets(target)) {
        const binding = this.localBinding(id, id.node.name);
        if (binding) this.addLocalSource(binding, sources);
      }
    };
    this.fn.get('body').traverse({
      Function: (inner) => inner.skip(),
      VariableDeclarator: (decl) => {
        if (this.ownUnit(decl)) assignLocals(decl.get('id'), this.sourcesOf(decl.get('init') as NodePath));
      },
      AssignmentExpression: (assign) => {
        if (!this.ownUnit(assign)) return;
        const sources = this.sourcesOf(assign.get('right'));
        // `c += x` keeps what c held before, plus x.
        assignLocals(assign.get('left'), sources);
      },
      'ForOfStatement|ForInStatement': (loop) => {
        const path = loop as NodePath<BabelTypes.ForOfStatement | BabelTypes.ForInStatement>;
        const left = path.get('left');
        const target = left.isVariableDeclaration() ? left.get('declarations')[0]?.get('id') : left;
        if (target && this.ownUnit(path)) assignLocals(target as NodePath, this.sourcesOf(path.get('right')));
      },
    });
  }

  private dependencies(binding: Binding, sources: Sources): NodePath<BabelTypes.Identifier>[] {
    const reads = new Set(sources.reads);
    sources.locals.forEach((l) => this.taint(l).forEach((r) => reads.add(r)));
    return [...reads].filter((r) => r.scope.getBinding(r.node.name)?.identifier === binding.identifier);
  }

  /** Attach the dependencies of every write of a shared variable made directly by this function. */
  private collectWrites(): void {
    this.fn.get('body').traverse({
      Function: (inner) => inner.skip(),
      AssignmentExpression: (assign) => {
        const left = assign.get('left');
        if (!left.isIdentifier() || !this.ownUnit(assign)) return;
        const binding = assign.scope.getBinding(left.node.name);
        if (!binding || !this.ctx.shared.has(binding.identifier)) return;
        const operator = assign.node.operator;
        const right = assign.get('right');
        const rightAwaits = containsAwait(right);
        const deps = [];
        if (operator !== '=' && rightAwaits) {
          // The assignment's own read happens before the right side's await.
          const stamp = this.stampFor(this.ctx.sites.add(assign.node));
          this.ctx.implicitReadStamps.set(assign.node, stamp);
          const logical = operator === '&&=' || operator === '||=' || operator === '??=';
          deps.push({ stamp, kind: logical ? DependencyKind.Condition : DependencyKind.Value });
        }
        for (const read of this.dependencies(binding, this.sourcesOf(right))) {
          // A read inside the right side with no await there cannot go stale before the write.
          if (!rightAwaits && read.isDescendant(right)) continue;
          deps.push({ stamp: this.readStamp(read), kind: DependencyKind.Value });
        }
        if (deps.length > 0) this.ctx.writeDependencies.set(assign.node, deps);
      },
    });
  }

  run(): void {
    this.collectLocalFlows();
    this.collectWrites();
  }
}
