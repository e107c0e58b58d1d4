import type { NodePath, types as BabelTypes } from '@babel/core';
import type { Binding } from '@babel/traverse';
import { readKey, writeKey, entryCall, ENTRY_WRITES } from './access-paths';
import { DependencyKind, type Dependency, type FlowDependency, type FunctionInfo, type InstrumentContext, type ReadStamp } from './context';
import { enclosingUnit, inParameters } from './functions';
import { isQuoted } from './preserve';

/**
 * What an expression is computed from, within one function: its origins — tracked reads it
 * contains (shared variables, properties, Map and Set entries) and carriers (results of calls, and
 * parameters: values that may carry reads of other functions, see src/detector/flows.ts) — and
 * locals of the function whose values it uses.
 */
interface Sources {
  readonly reads: Set<NodePath>;
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
 * Methods of JavaScript's own arrays, strings, promises and iterators: a call of one of these names
 * is taken to reach no function of the program (a class of yours with such a method loses flows).
 */
const BUILTIN_METHODS = new Set([
  'push', 'pop', 'shift', 'unshift', 'splice', 'slice', 'concat', 'join', 'map', 'filter', 'reduce', 'reduceRight',
  'forEach', 'find', 'findIndex', 'findLast', 'findLastIndex', 'some', 'every', 'includes', 'indexOf', 'lastIndexOf',
  'sort', 'reverse', 'flat', 'flatMap', 'fill', 'at', 'keys', 'values', 'entries', 'toString', 'toFixed', 'valueOf',
  'split', 'trim', 'padStart', 'padEnd', 'startsWith', 'endsWith', 'replace', 'replaceAll', 'toLowerCase', 'toUpperCase',
  'charAt', 'charCodeAt', 'substring', 'then', 'catch', 'finally', 'next',
]);

/** Whether a statement always leaves the block it is in (`return`, `throw`, `break`, `continue`). */
function exits(statement: BabelTypes.Statement | null | undefined): boolean {
  if (!statement) return false;
  if (statement.type === 'BlockStatement') return exits(statement.body[statement.body.length - 1]);
  return ['ReturnStatement', 'ThrowStatement', 'BreakStatement', 'ContinueStatement'].includes(statement.type);
}

/**
 * The conditions a write is made under, within its function: tests of the `if`, `?:`, `&&`/`||`/`??`
 * and loops around it, and of guard clauses before it (`if (cache.has(k)) return ...;`).
 */
function guardingTests(write: NodePath, fn: NodePath): NodePath[] {
  const tests: NodePath[] = [];
  for (let child = write, parent = write.parentPath; parent && child !== fn; child = parent, parent = parent.parentPath) {
    if ((parent.isIfStatement() || parent.isConditionalExpression()) && child.key !== 'test') tests.push(parent.get('test') as NodePath);
    else if (parent.isLogicalExpression() && child.key === 'right') tests.push(parent.get('left'));
    else if ((parent.isWhileStatement() || parent.isDoWhileStatement() || parent.isForStatement()) && child.key === 'body') {
      const test = parent.get('test') as NodePath;
      if (test.node) tests.push(test);
    }
    if (child.inList) {
      for (const sibling of child.getAllPrevSiblings()) {
        if (sibling.isIfStatement() && exits(sibling.node.consequent)) tests.push(sibling.get('test'));
      }
    }
  }
  return tests;
}

/**
 * The static half of "a write computed from a stale read": for each write of a tracked location in
 * a function, the earlier reads of that same location its value — or the condition it is made
 * under — depends on, directly or through locals of the function assigned from them. Those reads
 * get stamps (the version they saw and the task's await count), so the runtime can tell at the
 * write whether the read went stale across an await. Across functions the link is made at run
 * time: what a function returns, or passes as an argument, hands on the reads it is computed from,
 * and a write computed from a call's result or a parameter is checked against what they carried.
 */
export class DependencyAnalysis {
  private readonly localSources = new Map<Binding, Sources>();
  private readonly taintMemo = new Map<Binding, Set<NodePath>>();
  private readonly keys = new Map<NodePath, string | null>();

  /** The code unit analysed, as enclosingUnit names it: the function, or null for a module's top level. */
  private readonly unit: NodePath | null;
  /** Whether the unit can await: an async function, or a module with top-level await. */
  private readonly async: boolean;

  constructor(
    private readonly fn: NodePath<BabelTypes.Function> | NodePath<BabelTypes.Program>,
    private readonly info: FunctionInfo,
    private readonly ctx: InstrumentContext,
  ) {
    this.unit = fn.isProgram() ? null : fn;
    this.async = fn.isProgram() ? info.task !== null : fn.node.async === true;
  }

  private ownUnit(path: NodePath): boolean {
    return enclosingUnit(path) === this.unit;
  }

  /** Traverse the unit's own code (a function's body, or the whole module). */
  private traverseBody(visitor: Parameters<NodePath['traverse']>[0]): void {
    if (this.fn.isProgram()) this.fn.traverse(visitor);
    else (this.fn.get('body') as NodePath).traverse(visitor);
  }

  /** The function's task variable, made when generated code first needs it. */
  private task(): BabelTypes.Identifier {
    this.info.task ??= this.fn.scope.generateUidIdentifier('t');
    return this.info.task;
  }

  /**
   * Whether `path` is in a synchronous function the body of this one made (a callback: `arr.map(x
   * => ...)`, `setTimeout(() => ...)`), which sees this function's locals and stamps and may run
   * at any time, now or after the task has moved on.
   */
  private inCallback(path: NodePath): boolean {
    let unit = enclosingUnit(path);
    if (unit === this.unit) return false;
    for (; unit && unit !== this.unit; unit = enclosingUnit(unit)) {
      if (!unit.isFunction() || unit.node.async || unit.node.generator || inParameters(unit, this.fn)) return false;
    }
    return unit === this.unit;
  }

  private isShared = (id: NodePath<BabelTypes.Identifier>): boolean => {
    const binding = id.scope.getBinding(id.node.name);
    return binding !== undefined && this.ctx.shared.has(binding.identifier);
  };

  private readKeyOf(read: NodePath): string | null {
    if (!this.keys.has(read)) this.keys.set(read, readKey(read, this.isShared));
    return this.keys.get(read)!;
  }

  /** A local of this function that no other function touches (shared ones are tracked as locations). */
  private localBinding(path: NodePath, name: string): Binding | undefined {
    const binding = path.scope.getBinding(name);
    if (!binding || this.ctx.shared.has(binding.identifier)) return undefined;
    return this.ownUnit(binding.path) || binding.path === this.fn ? binding : undefined;
  }

  /**
   * Whether a call may reach a function of the program (that can hand flows on or take them): not
   * one reached through a global (`console.log`, `Math.max`, `setTimeout`), nor the runtime's.
   */
  private callsProgram(call: NodePath<BabelTypes.CallExpression>): boolean {
    let root: NodePath = call.get('callee');
    if (root.isSuper() || root.isImport() || this.ctx.generated.has(call.node)) return false;
    if (root.isMemberExpression() && !root.node.computed && BUILTIN_METHODS.has((root.node.property as BabelTypes.Identifier).name)) return false;
    while (root.isMemberExpression()) root = root.get('object');
    return !root.isIdentifier() || (root.node.name !== 'require' && root.scope.getBinding(root.node.name) !== undefined);
  }

  /**
   * A call whose result may carry flows handed on by the function it called (`await f()` counts as
   * one, the await's value being the result): not the runtime's, not a Map or Set access (those
   * are tracked reads and writes), and where its value is used as a value — not as a callee or an
   * object whose property is read next, nor where V8 quotes it.
   */
  private isCarrier(path: NodePath): boolean {
    const call = path.isAwaitExpression() ? path.get('argument') : path;
    if (!call.isCallExpression() || (path === call && path.parentPath?.isAwaitExpression())) return false;
    if (!this.callsProgram(call) || this.readKeyOf(call) !== null || entryCall(call, ENTRY_WRITES)) return false;
    const parent = path.parentPath!;
    if ((parent.isCallExpression() || parent.isNewExpression() || parent.isOptionalCallExpression()) && path.key === 'callee') return false;
    if ((parent.isMemberExpression() || parent.isOptionalMemberExpression()) && path.key === 'object') return false;
    return !isQuoted(path);
  }

  private isParameter(origin: NodePath): boolean {
    return origin.parentPath === this.fn && origin.listKey === 'params';
  }

  /** Position of a parameter of this function that is a plain name (`v` or `v = 1`), or -1. */
  private parameterIndex(binding: Binding): number {
    const param = binding.path;
    if (binding.kind !== 'param' || param.parentPath !== this.fn || param.listKey !== 'params') return -1;
    const simple = param.isIdentifier() || (param.isAssignmentPattern() && param.node.left === binding.identifier);
    return simple ? (param.key as number) : -1;
  }

  /**
   * What `path`'s value is computed from. `handOff`: for a value handed to another function, which
   * can only follow the value itself: an array, object or instance built around a read is not it.
   */
  private sourcesOf(path: NodePath | null | undefined, into: Sources = emptySources(), handOff = false): Sources {
    const builds = (node: NodePath) => handOff && (node.isArrayExpression() || node.isObjectExpression() || node.isNewExpression());
    // A function's value is the function: what its body reads is not part of it.
    if (!path || !path.node || path.isFunction() || builds(path)) return into;
    const visit = (node: NodePath): void => {
      if (this.readKeyOf(node) !== null || this.isCarrier(node)) into.reads.add(node);
      else if (node.isIdentifier() && node.isReferencedIdentifier()) {
        const binding = this.localBinding(node, node.node.name);
        if (binding) into.locals.add(binding);
      }
    };
    visit(path);
    path.traverse({
      Function: (inner) => inner.skip(),
      'ArrayExpression|ObjectExpression|NewExpression': (inner) => {
        if (builds(inner)) inner.skip();
      },
      'Identifier|MemberExpression|OptionalMemberExpression|CallExpression|OptionalCallExpression|AwaitExpression': visit,
    });
    return into;
  }

  private addLocalSource(binding: Binding, sources: Sources): void {
    const existing = this.localSources.get(binding) ?? emptySources();
    sources.reads.forEach((r) => existing.reads.add(r));
    sources.locals.forEach((l) => existing.locals.add(l));
    this.localSources.set(binding, existing);
  }

  /** Every origin a local's value may come from (following locals assigned from locals; a parameter is its own). */
  private taint(binding: Binding, visiting = new Set<Binding>()): Set<NodePath> {
    const memo = this.taintMemo.get(binding);
    if (memo) return memo;
    const result = new Set<NodePath>();
    if (visiting.has(binding)) return result;
    visiting.add(binding);
    if (this.parameterIndex(binding) >= 0) result.add(binding.path);
    const sources = this.localSources.get(binding);
    if (sources) {
      sources.reads.forEach((r) => result.add(r));
      sources.locals.forEach((l) => this.taint(l, visiting).forEach((r) => result.add(r)));
    }
    visiting.delete(binding);
    if (visiting.size === 0) this.taintMemo.set(binding, result);
    return result;
  }

  private stampFor(site: number, object: boolean): ReadStamp {
    const uid = (name: string) => this.fn.scope.generateUidIdentifier(name);
    const stamp: ReadStamp = { version: uid('v'), awaits: uid('q'), location: object ? uid('l') : undefined, site };
    this.info.stampLocals.push(stamp.version, stamp.awaits, ...(stamp.location ? [stamp.location] : []));
    this.task();
    return stamp;
  }

  private readStamp(read: NodePath): ReadStamp {
    let stamp = this.ctx.readStamps.get(read.node);
    if (!stamp) {
      stamp = this.stampFor(this.ctx.sites.add(read.node), !read.isIdentifier());
      this.ctx.readStamps.set(read.node, stamp);
    }
    return stamp;
  }

  /** The local that holds the flows of an origin: a read's Flow, a call's result's, a parameter's. */
  private flowLocal(origin: NodePath): BabelTypes.Identifier {
    if (this.readKeyOf(origin) !== null) {
      const stamp = this.readStamp(origin);
      if (!stamp.flow) this.info.stampLocals.push((stamp.flow = this.fn.scope.generateUidIdentifier('f')));
      return stamp.flow;
    }
    const parameter = this.isParameter(origin);
    const known = parameter ? this.info.parameterTakes.find((p) => p.index === origin.key)?.local : this.ctx.carriers.get(origin.node);
    if (known) return known;
    const local = this.fn.scope.generateUidIdentifier('f');
    this.info.stampLocals.push(local);
    if (parameter) {
      const param = origin.node as BabelTypes.Identifier | BabelTypes.AssignmentPattern;
      const name = param.type === 'Identifier' ? param.name : (param.left as BabelTypes.Identifier).name;
      this.info.parameterTakes.push({ index: origin.key as number, name, local });
    } else {
      this.ctx.carriers.set(origin.node, local);
    }
    return local;
  }

  /** All origins among `sources`, directly or through locals. */
  private originsOf(sources: Sources): NodePath[] {
    const origins = new Set(sources.reads);
    sources.locals.forEach((l) => this.taint(l).forEach((r) => origins.add(r)));
    return [...origins];
  }

  /** Locals holding the flows a value computed from `sources` hands on. */
  private flowsOf(sources: Sources): BabelTypes.Identifier[] {
    return this.originsOf(sources).map((origin) => this.flowLocal(origin));
  }

  /** Origins that carry flows from other functions (call results, parameters). */
  private carriersOf(sources: Sources): NodePath[] {
    return this.originsOf(sources).filter((origin) => this.readKeyOf(origin) === null);
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
    this.traverseBody({
      Function: (inner) => inner.skip(),
      VariableDeclarator: (decl) => {
        if (this.ownUnit(decl)) assignLocals(decl.get('id'), this.sourcesOf(decl.get('init') as NodePath));
      },
      AssignmentExpression: (assign) => {
        // `c += x` keeps what c held before, plus x.
        if (this.ownUnit(assign)) assignLocals(assign.get('left'), this.sourcesOf(assign.get('right')));
      },
      'ForOfStatement|ForInStatement': (loop) => {
        const path = loop as NodePath<BabelTypes.ForOfStatement | BabelTypes.ForInStatement>;
        const left = path.get('left');
        const target = left.isVariableDeclaration() ? left.get('declarations')[0]?.get('id') : left;
        if (target && this.ownUnit(path)) assignLocals(target as NodePath, this.sourcesOf(path.get('right')));
      },
    });
  }

  /** Reads of the location named `key` among `sources`, directly or through locals. */
  private readsOf(key: string, sources: Sources): NodePath[] {
    return this.originsOf(sources).filter((r) => this.readKeyOf(r) === key);
  }

  /** The value a write stores, when it stores one computed by the program. */
  private writtenValue(write: NodePath): NodePath | null {
    if (write.isAssignmentExpression()) return write.get('right');
    const call = entryCall(write, ENTRY_WRITES);
    const value = call && (write.get('arguments') as NodePath[])[1];
    return value ?? null;
  }

  private addDependencies(write: NodePath, key: string): void {
    const deps: Dependency[] = [];
    const flows: FlowDependency[] = [];
    const seen = new Set<NodePath>();
    const callback = this.inCallback(write);
    // A synchronous function's own reads cannot go stale before its own writes: no await between.
    const stamped = callback || this.async;
    if (callback) this.info.ownTask = true;
    const readerTask = callback ? this.task() : undefined;
    const add = (origin: NodePath, kind: DependencyKind) => {
      // In a callback, only what this function read (and handed on through its locals) is stamped here.
      if (seen.has(origin) || (callback && !this.ownUnit(origin))) return;
      seen.add(origin);
      if (this.readKeyOf(origin) === null) flows.push({ flows: this.flowLocal(origin), kind, readerTask });
      else if (stamped) deps.push({ stamp: this.readStamp(origin), kind, readerTask });
    };

    const value = this.writtenValue(write);
    const valueAwaits = value !== null && containsAwait(value);
    if (!callback && write.isAssignmentExpression() && write.node.operator !== '=' && valueAwaits) {
      // `x += await f()`: the assignment's own read happens before the right side's await.
      const stamp = this.stampFor(this.ctx.sites.add(write.node), !write.get('left').isIdentifier());
      this.ctx.implicitReadStamps.set(write.node, stamp);
      const logical = ['&&=', '||=', '??='].includes(write.node.operator);
      deps.push({ stamp, kind: logical ? DependencyKind.Condition : DependencyKind.Value });
    }
    if (value) {
      const sources = this.sourcesOf(value);
      for (const read of this.readsOf(key, sources)) {
        // A read inside the written value with no await there cannot go stale before the write.
        if (!valueAwaits && read.isDescendant(value)) continue;
        add(read, DependencyKind.Value);
      }
      for (const carrier of this.carriersOf(sources)) add(carrier, DependencyKind.Value);
    }
    for (const test of guardingTests(write, this.fn)) {
      const sources = this.sourcesOf(test);
      // A loop's bound (`for (let i = 0; i < n; i++)`) that came from elsewhere is no check the write acts on.
      const carried = test.parentPath?.isLoop() ? [] : this.carriersOf(sources);
      for (const origin of [...this.readsOf(key, sources), ...carried]) add(origin, DependencyKind.Condition);
    }
    if (deps.length > 0) this.ctx.writeDependencies.set(write.node, [...(this.ctx.writeDependencies.get(write.node) ?? []), ...deps]);
    if (flows.length > 0) {
      if (!callback) this.task();
      this.ctx.writeFlows.set(write.node, [...(this.ctx.writeFlows.get(write.node) ?? []), ...flows]);
    }
  }

  /** Attach the dependencies of every tracked write made by this function or its callbacks. */
  private collectWrites(): void {
    const visit = (write: NodePath): void => {
      if (!this.ownUnit(write) && !this.inCallback(write)) return;
      const key = writeKey(write);
      if (key === null) return;
      if (key.startsWith('var:') && !this.isShared(write.get(write.isAssignmentExpression() ? 'left' : 'argument') as NodePath<BabelTypes.Identifier>)) return;
      this.addDependencies(write, key);
    };
    this.traverseBody({
      Function: (inner) => {
        // Nested async functions and generators are tasks of their own, analysed on their own.
        if (inner.node.async || inner.node.generator) inner.skip();
      },
      'AssignmentExpression|UpdateExpression|CallExpression|OptionalCallExpression': visit,
      UnaryExpression: (unary) => {
        if (unary.node.operator === 'delete') visit(unary);
      },
    });
  }

  /**
   * What the function returns hands on the reads and call results it is computed from. (Not its
   * parameters: the caller already counts a call's result as computed from its arguments.)
   */
  private collectReturns(): void {
    if (this.fn.isProgram()) return;
    const fn: NodePath<BabelTypes.Function> = this.fn as NodePath<BabelTypes.Function>;
    if (fn.node.generator) return;
    const handOn = (node: BabelTypes.Node, value: NodePath): void => {
      const origins = this.originsOf(this.sourcesOf(value, undefined, true)).filter((origin) => !this.isParameter(origin));
      const flows = origins.map((origin) => this.flowLocal(origin));
      if (flows.length > 0) this.ctx.returnFlows.set(node, flows);
    };
    const body = fn.get('body');
    if (body.isExpression()) {
      // `() => value`: hand on what the value is computed from, through a `return` of its own.
      if (this.originsOf(this.sourcesOf(body, undefined, true)).some((origin) => !this.isParameter(origin))) {
        fn.ensureBlock();
        const ret = (fn.get('body') as NodePath<BabelTypes.BlockStatement>).get('body')[0] as NodePath<BabelTypes.ReturnStatement>;
        handOn(ret.node, ret.get('argument') as NodePath);
      }
      return;
    }
    body.traverse({
      Function: (inner) => inner.skip(),
      ReturnStatement: (ret) => {
        const argument = ret.get('argument');
        if (argument.node) handOn(ret.node, argument as NodePath);
      },
    });
  }

  /** Arguments computed from reads or carried values hand them on to the function called. */
  private collectArguments(): void {
    this.traverseBody({
      Function: (inner) => inner.skip(),
      CallExpression: (call) => {
        if (!this.callsProgram(call) || this.readKeyOf(call) !== null || entryCall(call, ENTRY_WRITES)) return;
        const handed: { index: number; sources: BabelTypes.Identifier[] }[] = [];
        for (const [index, argument] of call.get('arguments').entries()) {
          if (argument.isSpreadElement()) break;
          const sources = this.flowsOf(this.sourcesOf(argument, undefined, true));
          if (sources.length > 0) handed.push({ index, sources });
        }
        if (handed.length > 0) this.ctx.argumentFlows.set(call.node, handed);
      },
    });
  }

  run(): void {
    this.collectLocalFlows();
    this.collectWrites();
    this.collectReturns();
    this.collectArguments();
  }
}
