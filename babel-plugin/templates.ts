import type { types as BabelTypes } from '@babel/core';
import type { ParameterTake, ReadStamp, Types } from './context';

/**
 * Builders for every piece of code the plugin generates, in one place. Each mirrors one entry of the
 * runtime API (src/runtime/index.ts); the short names there keep instrumented code small.
 */
export class Templates {
  constructor(
    private readonly t: Types,
    private readonly runtime: BabelTypes.Identifier,
    private readonly module: BabelTypes.Identifier,
  ) {}

  private call(fn: string, args: BabelTypes.Expression[]): BabelTypes.CallExpression {
    const t = this.t;
    return t.callExpression(t.memberExpression(t.cloneNode(this.runtime), t.identifier(fn)), args);
  }

  private num(n: number): BabelTypes.NumericLiteral {
    return this.t.numericLiteral(n);
  }

  /**
   * `var runtime = require(specifier)` (`module.require` when the file's own function declaration
   * named `require` hides Node's), or `import * as runtime from specifier`.
   */
  loadRuntime(specifier: string, esm: boolean, requireHidden: boolean): BabelTypes.Statement {
    const t = this.t;
    if (esm) {
      return t.importDeclaration([t.importNamespaceSpecifier(t.cloneNode(this.runtime))], t.stringLiteral(specifier));
    }
    const load = requireHidden ? t.memberExpression(t.identifier('module'), t.identifier('require')) : t.identifier('require');
    return t.variableDeclaration('var', [
      t.variableDeclarator(t.cloneNode(this.runtime), t.callExpression(load, [t.stringLiteral(specifier)])),
    ]);
  }

  /**
   * `var module = runtime.m(filename, [line, column, ...], [ignored line, ...], generated)`: the
   * ignored lines only if any (or if `generated` follows), `generated` (the compiled file the sites
   * were traced back from through its source map) only if it differs.
   */
  registerModule(filename: string, sites: BabelTypes.ArrayExpression, ignoredLines: number[], generated?: string): BabelTypes.Statement {
    const t = this.t;
    const args: BabelTypes.Expression[] = [t.stringLiteral(filename), sites];
    if (ignoredLines.length > 0 || generated) args.push(t.arrayExpression(ignoredLines.map((line) => this.num(line))));
    if (generated) args.push(t.stringLiteral(generated));
    return t.variableDeclaration('var', [
      t.variableDeclarator(t.cloneNode(this.module), this.call('m', args)),
    ]);
  }

  /** `var|const cell = runtime.c(module, name, declaredSite)`: a new location for one binding instance. */
  declareCell(kind: 'var' | 'const', cell: BabelTypes.Identifier, name: string, declared: number): BabelTypes.Statement {
    const t = this.t;
    return t.variableDeclaration(kind, [
      t.variableDeclarator(t.cloneNode(cell), this.call('c', [t.cloneNode(this.module), t.stringLiteral(name), this.num(declared)])),
    ]);
  }

  private taskArg(task: BabelTypes.Identifier | null): BabelTypes.Expression {
    return task ? this.t.cloneNode(task) : this.t.identifier('undefined');
  }

  /** `runtime.w(cell, site, task, value)`: the location is written now with `value`. */
  write(cell: BabelTypes.Identifier, site: number, task: BabelTypes.Identifier | null, value: BabelTypes.Expression): BabelTypes.CallExpression {
    return this.call('w', [this.t.cloneNode(cell), this.num(site), this.taskArg(task), value]);
  }

  /** `runtime.k(cell, site, task, value, version, awaits, readSite, kind)`: check a write's read is not stale. */
  check(
    cell: BabelTypes.Identifier,
    site: number,
    task: BabelTypes.Identifier,
    value: BabelTypes.Expression,
    stamp: { version: BabelTypes.Identifier; awaits: BabelTypes.Identifier; site: number },
    kind: number,
  ): BabelTypes.CallExpression {
    const t = this.t;
    return this.call('k', [
      t.cloneNode(cell), this.num(site), t.cloneNode(task), value,
      t.cloneNode(stamp.version), t.cloneNode(stamp.awaits), this.num(stamp.site), this.num(kind),
    ]);
  }

  /**
   * `version = runtime.v(location), awaits = task.q`: remember what a read about to happen sees.
   * `location` is a variable's cell, or `locate(...)` for a property or an entry.
   */
  stamp(location: BabelTypes.Expression, task: BabelTypes.Identifier, stamp: ReadStamp): BabelTypes.SequenceExpression {
    const t = this.t;
    const expressions: BabelTypes.Expression[] = [
      t.assignmentExpression('=', t.cloneNode(stamp.version), this.call('v', [t.cloneNode(location)])),
      t.assignmentExpression('=', t.cloneNode(stamp.awaits), t.memberExpression(t.cloneNode(task), t.identifier('q'))),
    ];
    if (stamp.flow) {
      // `flow = runtime.f(location, module, site, task)`: the read's value leaves the function.
      const again = stamp.location ? t.cloneNode(stamp.location) : t.cloneNode(location);
      expressions.push(t.assignmentExpression('=', t.cloneNode(stamp.flow), this.call('f', [again, t.cloneNode(this.module), this.num(stamp.site), t.cloneNode(task)])));
    }
    return t.sequenceExpression(expressions);
  }

  /** `(version = runtime.v(cell), awaits = task.q, read)`: remember what a read saw. */
  stampedRead(location: BabelTypes.Expression, task: BabelTypes.Identifier, stamp: ReadStamp, read: BabelTypes.Expression): BabelTypes.SequenceExpression {
    const sequence = this.stamp(location, task, stamp);
    sequence.expressions.push(read);
    return sequence;
  }

  /** `stamp.location = runtime.lp(object, key)` (a property) or `runtime.le(...)` (a Map or Set entry). */
  locate(entry: boolean, object: BabelTypes.Expression, key: BabelTypes.Expression, stamp: { location?: BabelTypes.Identifier }): BabelTypes.Expression {
    return this.t.assignmentExpression('=', this.t.cloneNode(stamp.location!), this.call(entry ? 'le' : 'lp', [object, key]));
  }

  /** `stamp.location = runtime.ls(home, isStatic, this, key)`: where `super[key]` reads, in a method of class `home`. */
  locateSuper(home: BabelTypes.Identifier, isStatic: boolean, key: BabelTypes.Expression, stamp: { location?: BabelTypes.Identifier }): BabelTypes.Expression {
    const t = this.t;
    return t.assignmentExpression('=', t.cloneNode(stamp.location!), this.call('ls', [t.cloneNode(home), t.booleanLiteral(isStatic), t.thisExpression(), key]));
  }

  /** `runtime.g(object, key)`: `object[key]` read without running the program's code (see quietGet). */
  quietGet(object: BabelTypes.Expression, key: BabelTypes.Expression): BabelTypes.Expression {
    return this.call('g', [object, key]);
  }

  /** `runtime.wp(object, key, module, site, task)` / `runtime.we(...)`: a property or an entry was just written. */
  wrote(entry: boolean, object: BabelTypes.Expression, key: BabelTypes.Expression, site: number, task: BabelTypes.Identifier | null): BabelTypes.Expression {
    return this.call(entry ? 'we' : 'wp', [object, key, this.t.cloneNode(this.module), this.num(site), this.taskArg(task)]);
  }

  /**
   * `runtime.kp(object, key, module, site, task, location, version, awaits, readSite, kind, name)`
   * (or `ke`): a property or an entry was just written from an earlier read; check it and record it.
   */
  wroteFrom(
    entry: boolean, object: BabelTypes.Expression, key: BabelTypes.Expression, site: number, task: BabelTypes.Identifier,
    stamp: { version: BabelTypes.Identifier; awaits: BabelTypes.Identifier; location?: BabelTypes.Identifier; site: number }, kind: number, name: string,
  ): BabelTypes.Expression {
    const t = this.t;
    return this.call(entry ? 'ke' : 'kp', [
      object, key, t.cloneNode(this.module), this.num(site), t.cloneNode(task),
      t.cloneNode(stamp.location!), t.cloneNode(stamp.version), t.cloneNode(stamp.awaits), this.num(stamp.site), this.num(kind), t.stringLiteral(name),
    ]);
  }

  /** The flows a value hands on: its one source, or an array of them. */
  private sources(ids: BabelTypes.Identifier[]): BabelTypes.Expression {
    return ids.length === 1 ? this.t.cloneNode(ids[0]) : this.t.arrayExpression(ids.map((id) => this.t.cloneNode(id)));
  }

  /** `runtime.h(value, flows, task)`: a function returns `value`, handing on the flows it is computed from. */
  handReturn(value: BabelTypes.Expression, sources: BabelTypes.Identifier[], task: BabelTypes.Identifier | null): BabelTypes.Expression {
    return this.call('h', [value, this.sources(sources), ...(task ? [this.t.cloneNode(task)] : [])]);
  }

  /** `runtime.pa(value, index, flows)`: argument `index` hands on the flows it is computed from. */
  handArgument(value: BabelTypes.Expression, index: number, sources: BabelTypes.Identifier[]): BabelTypes.Expression {
    return this.call('pa', [value, this.num(index), this.sources(sources)]);
  }

  /** `local = runtime.tr(value)`, or `runtime.tw(task, value)` after an await: take the flows handed with a call's result. */
  takeResult(local: BabelTypes.Identifier, value: BabelTypes.Identifier, awaitedBy: BabelTypes.Identifier | null): BabelTypes.Expression {
    const t = this.t;
    const take = awaitedBy ? this.call('tw', [t.cloneNode(awaitedBy), t.cloneNode(value)]) : this.call('tr', [t.cloneNode(value)]);
    return t.assignmentExpression('=', t.cloneNode(local), take);
  }

  /** `runtime.kf(cell, site, task, value, flows, kind)`: check a variable write against the flows it is computed from. */
  checkFlows(cell: BabelTypes.Identifier, site: number, task: BabelTypes.Identifier, value: BabelTypes.Expression, flows: BabelTypes.Identifier, kind: number): BabelTypes.Expression {
    const t = this.t;
    return this.call('kf', [t.cloneNode(cell), this.num(site), t.cloneNode(task), value, t.cloneNode(flows), this.num(kind)]);
  }

  /** `runtime.cf(entry, object, key, module, site, task, flows, kind, name)`: the same for a property or an entry, once written. */
  checkWroteFlows(
    entry: boolean, object: BabelTypes.Expression, key: BabelTypes.Expression, site: number, task: BabelTypes.Identifier,
    flows: BabelTypes.Identifier, kind: number, name: string,
  ): BabelTypes.Expression {
    const t = this.t;
    return this.call('cf', [
      this.num(entry ? 1 : 0), object, key, t.cloneNode(this.module), this.num(site), t.cloneNode(task), t.cloneNode(flows), this.num(kind), t.stringLiteral(name),
    ]);
  }

  /** `local = runtime.tp(index, name)`: the flows the caller handed with a parameter. */
  private takeParameters(takes: ParameterTake[]): BabelTypes.Statement[] {
    const t = this.t;
    return takes.map(({ index, name, local }) =>
      t.expressionStatement(t.assignmentExpression('=', t.cloneNode(local), this.call('tp', [this.num(index), t.identifier(name)]))));
  }

  private declareLocals(locals: BabelTypes.Identifier[]): BabelTypes.Statement[] {
    const t = this.t;
    return locals.length === 0 ? [] : [t.variableDeclaration('var', locals.map((id) => t.variableDeclarator(t.cloneNode(id))))];
  }

  /**
   * What an instrumented synchronous function starts with: its locals, its task when it needs one
   * (`runtime.s()`, or `runtime.s(true)` for a task of its own when the event loop calls it), the
   * flows of its parameters.
   */
  syncPrologue(task: BabelTypes.Identifier | null, ownTask: boolean, locals: BabelTypes.Identifier[], takes: ParameterTake[]): BabelTypes.Statement[] {
    const t = this.t;
    const enter = task ? [t.variableDeclaration('const', [t.variableDeclarator(t.cloneNode(task), this.call('s', ownTask ? [t.booleanLiteral(true)] : []))])] : [];
    return [...this.declareLocals(locals), ...enter, ...this.takeParameters(takes)];
  }

  /** `runtime.r(task, await runtime.a(task, task.n, argument, module, site))` */
  awaited(task: BabelTypes.Identifier, site: number, suspend: (argument: BabelTypes.Expression) => BabelTypes.Expression, argument: BabelTypes.Expression): BabelTypes.Expression {
    const t = this.t;
    const before = this.call('a', [
      t.cloneNode(task), t.memberExpression(t.cloneNode(task), t.identifier('n')), argument, t.cloneNode(this.module), this.num(site),
    ]);
    return this.call('r', [t.cloneNode(task), suspend(before)]);
  }

  /** `runtime.r(task)`: the task runs again (entering a catch or finally block, or after a loop). */
  resume(task: BabelTypes.Identifier): BabelTypes.Statement {
    return this.t.expressionStatement(this.call('r', [this.t.cloneNode(task)]));
  }

  /** `runtime.l(task, module, site)`: one turn of a `for await` loop passed its implicit await. */
  loopTurn(task: BabelTypes.Identifier, site: number): BabelTypes.Statement {
    const t = this.t;
    return t.expressionStatement(this.call('l', [t.cloneNode(task), t.cloneNode(this.module), this.num(site)]));
  }

  /** `var locals...; const task = runtime.e()`: a module with top-level await starts its task. */
  moduleTaskStart(task: BabelTypes.Identifier, locals: BabelTypes.Identifier[]): BabelTypes.Statement[] {
    const t = this.t;
    return [...this.declareLocals(locals), t.variableDeclaration('const', [t.variableDeclarator(t.cloneNode(task), this.call('e', []))])];
  }

  /** `runtime.x(task)`: the module's code ended. */
  moduleTaskEnd(task: BabelTypes.Identifier): BabelTypes.Statement {
    return this.t.expressionStatement(this.call('x', [this.t.cloneNode(task)]));
  }

  /**
   * The body of an instrumented async function: enter a task (`e(true)` for an async generator, whose
   * body runs only when its consumer asks), take the flows of its parameters, run, leave the task
   * however the body ends. `body` stays the same array (paths into it stay valid), now in the `try`.
   */
  asyncBody(task: BabelTypes.Identifier, locals: BabelTypes.Identifier[], takes: ParameterTake[], body: BabelTypes.Statement[], generator: boolean): BabelTypes.Statement[] {
    const t = this.t;
    body.unshift(...this.takeParameters(takes));
    return [
      ...this.declareLocals(locals),
      t.variableDeclaration('const', [t.variableDeclarator(t.cloneNode(task), this.call('e', generator ? [t.booleanLiteral(true)] : []))]),
      t.tryStatement(
        t.blockStatement(body),
        null,
        t.blockStatement([t.expressionStatement(this.call('x', [t.cloneNode(task)]))]),
      ),
    ];
  }
}
