'use strict';
// The cases of plugin-semantics.test.js. Each `code` is the body of a CommonJS module (sloppy mode
// unless it says "use strict") that exports `async function run(log)`. Besides the usual module
// variables it sees `log`, the array of observable events (also passed to run), and `at()`, the
// line it is called from. Line 1 is the first line after the opening backtick's line.
//
// Optional fields: `expect`, patterns the instrumented code must match (so a case cannot pass
// because nothing was instrumented); `instrumented: false` for code that must be left alone;
// `outcome`, patterns the plain outcome (as JSON) must match, to show the case reached what it tests.
// A line containing /*@throw*/ is where run's (or the module's) uncaught exception must come from.

/** Template tag: the text as written (escapes kept as written), minus the first line break and indentation. */
function src(strings, ...values) {
  const lines = String.raw(strings, ...values).replace(/^\n/, '').replace(/\n\s*$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)[0].length));
  return lines.map((l) => l.slice(indent)).join('\n') + '\n';
}

/**
 * A snippet writing frozen, sealed, non-extensible and read-only targets: TypeErrors in strict mode,
 * silent failures in sloppy mode, the same either way once instrumented.
 */
const frozenTargets = (strict) => src`
  ${strict ? '"use strict";' : '// sloppy'}
  const frozen = Object.freeze({ n: 1, inner: { m: 1 } });
  const sealed = Object.seal({ n: 1 });
  const nonExt = Object.preventExtensions({ n: 1 });
  const readOnly = Object.defineProperty({}, 'ro', { value: 1, enumerable: true });
  const getterOnly = { get g() { log.push('get g'); return 1; } };
  const arr = Object.freeze([1, 2]);
  async function attempt(label, fn) {
    try { log.push(label, await fn()); } catch (e) { log.push(label, e.constructor.name, e.message); }
  }
  async function bump(o, k) { const v = o[k]; await null; o[k] = v + 1; return o[k]; }
  exports.run = async function run(log) {
    await attempt('frozen =', () => (frozen.n = 2));
    await attempt('frozen +=', async () => (frozen.n += await 1));
    await attempt('frozen ++', () => frozen.n++);
    await attempt('frozen new', () => (frozen.added = 1));
    await attempt('frozen delete', () => delete frozen.n);
    await attempt('frozen inner', () => (frozen.inner.m = 5));
    await attempt('frozen bump', () => bump(frozen, 'n'));
    await attempt('sealed =', () => (sealed.n = 2));
    await attempt('sealed new', () => (sealed.added = 1));
    await attempt('sealed delete', () => delete sealed.n);
    await attempt('nonExt new', async () => (nonExt[await 'x'] = 1));
    await attempt('nonExt delete', () => delete nonExt.n);
    await attempt('readOnly', () => (readOnly.ro = 2));
    await attempt('readOnly ??=', () => (readOnly.ro ??= 2));
    await attempt('readOnly ||=', async () => (readOnly.ro &&= await 3));
    await attempt('getterOnly', () => (getterOnly.g = 2));
    await attempt('getterOnly +=', async () => (getterOnly.g += await 2));
    await attempt('frozen array', () => (arr[0] = 9));
    await attempt('frozen array push', () => arr.push(3));
    await attempt('frozen array length', () => (arr.length = 0));
    await attempt('frozen map', () => Object.freeze(new Map()).set('k', 1));
    await attempt('primitive', () => { const s = 'str'; s.x = 1; return s.x; });
    await attempt('primitive delete', () => delete 'str'.length);
    await attempt('undefined', () => { let u; u.x = 1; });
    await attempt('null compound', async () => { let u = null; u.x += await 1; });
    return [frozen, sealed, nonExt, readOnly, arr];
  };
`;

module.exports = [
  {
    name: 'compound assignment operators with side-effecting right-hand sides',
    expect: [/x = _asyncrace\.w\(_arc_x/, /y = _asyncrace\.w\(_arc_y/],
    code: src`
      let x = 3;
      let y = -8;
      function f(tag, v) { log.push(tag + ' x=' + x); return v; }
      function all() {
        x += f('+', 2); x -= f('-', 1); x *= f('*', 10); x /= f('/', 4);
        x %= f('%', 3); x **= f('**', 3); x <<= f('<<', 2); x >>= f('>>', 1);
        x >>>= f('>>>', 0); x |= f('|', 8); x &= f('&', 12); x ^= f('^', 5);
        y >>>= f('y>>>', 28);
        return [x, y];
      }
      x = 3; y = -8;
      log.push('top level', x += f('top', 1), y -= f('top y', 1));
      exports.run = async function run(log) {
        const sync = all();
        x = 3; y = -8;
        x += await f('a+', 2); x **= await f('a**', 2); x >>>= await f('a>>>', 1);
        y >>>= await f('ay>>>', 1);
        log.push(x -= f('-=', 1), x += 'str', typeof x, x *= 1, x **= 0.5);
        return [sync, x, y];
      };
    `,
  },
  {
    name: 'assignments whose right-hand side awaits: x = x + await, x += await, ??= ||= &&= **= >>>=',
    expect: [/_asyncrace\.k\(_arc_x/],
    code: src`
      let x = 1;
      let calls = 0;
      async function g(v) { calls++; log.push('g' + calls + ' sees x=' + x); x = 100; await null; return v; }
      async function h() { log.push('h'); await null; return 'h'; }
      exports.run = async function run(log) {
        x = 1; x = x + await g(5); log.push(x);
        x = 2; x += await g(7); log.push(x);
        x = null; x ??= await h(); log.push(x);
        x ??= await h(); log.push(x);
        x = 0; x ||= await g(3); log.push(x);
        x ||= await g(4); log.push(x);
        x &&= await g(9); log.push(x);
        x = 0; x &&= await g(9); log.push(x);
        x = undefined; log.push(x ??= await h());
        x = 2; log.push(x **= await g(10));
        x = -1; log.push(x >>>= await g(0));
        x = 'a'; log.push(x += await g('b'), x);
        x = 10; log.push(x = await g(1) + x, x);
        return [x, calls];
      };
    `,
  },
  {
    name: 'chained assignments a = b = await f()',
    expect: [/a = _asyncrace\.w\(_arc_a/, /b = _asyncrace\.w\(_arc_b/],
    code: src`
      let a = 0, b = 0, c = 0;
      async function f(v) { log.push('f ' + v + ' a=' + a + ' b=' + b); await null; return v; }
      function g(v) { log.push('g ' + v + ' a=' + a + ' b=' + b + ' c=' + c); return v; }
      exports.run = async function run(log) {
        a = b = await f(1); log.push([a, b]);
        a = b = c = g(2); log.push([a, b, c]);
        a = b += await f(3); log.push([a, b]);
        a += b -= c *= g(2); log.push([a, b, c]);
        log.push(a = b ??= await f(5));
        b = null; log.push(a = b ??= await f(6));
        const r = (a = (b = await f(7)) + (c = g(8)));
        a = b = c;
        return [r, a, b, c];
      };
    `,
  },
  {
    name: 'update expressions in expression position: arr[x++], return x--, BigInt, "5"++',
    expect: [/_asyncrace\.w\(_arc_x, \d+, _t\d*, 0\), x\+\+/],
    code: src`
      let x = 0;
      let big = 10n;
      let s = '5';
      let u;
      const arr = [];
      const read = () => [x, big, s, u];
      function counter() { return x--; }
      async function dec() { await null; return x--; }
      exports.run = async function run(log) {
        arr[x++] = x; arr[x++] = x;
        log.push(arr.slice(), x);
        log.push(counter(), counter(), x, await dec(), x);
        log.push(++big, big++, big, --big, big--, typeof big);
        log.push(s++, s, typeof s);
        s = '5'; log.push(++s, typeof s);
        s = '5'; log.push(s--, s);
        s = 'a'; log.push(s++, s);
        log.push(u++, u);
        let o = { valueOf() { log.push('valueOf'); return 41; } };
        const getO = () => o;
        log.push(o++, o, getO());
        for (let i = 0; i < 3; i++) { await null; arr[i] = x--; }
        try { big++; big = big + 1; } catch (e) { log.push(e.constructor.name, e.message, big); }
        return [arr, read()];
      };
    `,
  },
  {
    name: 'update expression whose value a later write depends on: const old = x++; await; x = old + 1',
    expect: [/_asyncrace\.k\(_arc_x/],
    code: src`
      let x = 0;
      const peek = () => x;
      async function bump() {
        const old = x++;
        await null;
        x = old + 10;
        return old;
      }
      async function twice() {
        x = x++ + await Promise.resolve(1);
        let y = --x;
        await null;
        x = y * 2;
        return y;
      }
      exports.run = async function run(log) {
        log.push(await bump(), peek());
        log.push(await Promise.all([bump(), bump()]), peek());
        log.push(await twice(), peek());
        return x;
      };
    `,
  },
  {
    name: 'destructuring assignment to shared targets with defaults and side effects',
    expect: [/_asyncrace\.w\(_arc_a/, /_asyncrace\.w\(_arc_rest/],
    code: src`
      let a = 'a0', b = 'b0', rest = null, x = 0, y = 0;
      const snapshot = () => [a, b, rest, x, y];
      function f(tag) { log.push('default ' + tag); return 'def-' + tag; }
      async function g(v) { log.push('g'); await null; return v; }
      function iter(values) {
        return {
          [Symbol.iterator]() {
            let i = 0;
            log.push('iter');
            return {
              next() { log.push('next ' + i); return i < values.length ? { value: values[i++], done: false } : { value: undefined, done: true }; },
              return() { log.push('return'); return {}; },
            };
          },
        };
      }
      exports.run = async function run(log) {
        [a, b = f(1)] = await g([1]); log.push(snapshot());
        [a, b = f(2)] = await g([3, 4]); log.push(snapshot());
        const obj = { get a() { log.push('get a'); return 'A'; }, get c() { log.push('get c'); return 'C'; }, d: 'D' };
        ({ a, ...rest } = obj); log.push(snapshot());
        const source = iter([5, 6, 7]);
        const value = ([a, b] = source); log.push(value === source, snapshot());
        ({ a: x, b: [y = f(3)] = [] } = { a: 9 }); log.push(snapshot());
        [x, y] = [y, x]; log.push(snapshot());
        let n = 0;
        [a, b = ++n, ...rest] = [undefined, undefined, 1, 2]; log.push(snapshot(), n);
        try { [a, b = (() => { throw new Error('in default'); })()] = ['A2']; } catch (e) { log.push(e.message); }
        log.push(snapshot());
        try { [a, b] = await g(null); } catch (e) { log.push(e.constructor.name); }
        try { ({ a } = await g(null)); } catch (e) { log.push(e.constructor.name); }
        for ([a, b] of [[1, 2], [3, 4]]) log.push(snapshot());
        return snapshot();
      };
    `,
  },
  {
    name: 'for (x of ...) and for (x in ...) with a shared x',
    expect: [/_asyncrace\.w\(_arc_x/],
    code: src`
      let x = 'init';
      const seen = [];
      const peek = () => x;
      function* gen() { try { log.push('gen start'); yield 1; yield 2; yield 3; } finally { log.push('gen finally'); } }
      exports.run = async function run(log) {
        for (x of [1, 2, 3]) seen.push(peek());
        log.push(x);
        for (x of gen()) { if (x === 2) break; await null; seen.push(peek()); }
        log.push(x);
        const proto = { inherited: 1 };
        const o = Object.create(proto); o.own = 2; o[3] = 3;
        for (x in o) seen.push(peek());
        log.push(x);
        for (x in null) seen.push('never');
        for (x of []) seen.push('never');
        log.push(x);
        label: for (x of 'ab') { for (x in { p: 1 }) continue label; }
        log.push(x);
        var v; const pv = () => v;
        for (var v of [7, 8]) { await null; seen.push(pv()); }
        try { for (x of 5) seen.push('never'); } catch (e) { log.push(e.constructor.name, e.message); }
        for (x of [1, 2]) x *= 10, seen.push(peek());
        return [seen, x, v];
      };
    `,
  },
  {
    name: 'for await over an async generator, with a shared loop variable',
    expect: [/_asyncrace\.l\(/],
    code: src`
      let produced = 0;
      let x = null;
      const peek = () => x;
      async function* source(n) {
        try {
          for (let i = 0; i < n; i++) { produced++; log.push('yield ' + i + ' x=' + x); yield i * 10; await null; }
          return 'done';
        } finally { log.push('source finally'); }
      }
      exports.run = async function run(log) {
        let sum = 0;
        for await (x of source(3)) { sum += x; log.push('body ' + peek()); }
        log.push(sum, x, produced);
        for await (const v of source(5)) { if (v === 10) break; log.push('v ' + v); }
        for await (const v of [Promise.resolve('p'), 'plain', (async () => 'a')()]) log.push(v);
        try {
          for await (x of (async function* () { yield 1; throw new Error('gen failed'); })()) log.push('got ' + x);
        } catch (e) { log.push(e.message, x); }
        const it = source(2);
        log.push(await it.next(), await it.next(), await it.next(), await it.next());
        return [sum, produced, x];
      };
    `,
  },
  {
    name: 'async generators: yield, yield*, next/return/throw with shared state',
    expect: [/yield _asyncrace\.a\(/, /yield\* _asyncrace\.a\(/],
    code: src`
      let state = 0;
      async function* counter() {
        let local = 0;
        try {
          while (true) {
            const got = yield state;
            log.push('got ' + got + ' state ' + state);
            state += await Promise.resolve(got ?? 1);
            local++;
          }
        } finally {
          log.push('finally local ' + local);
          yield 'from finally';
        }
      }
      async function* inner() { state = state * 2; const back = yield 'inner ' + state; log.push('inner got ' + back); return 'R'; }
      async function* delegating() { const r = yield* inner(); log.push('inner returned ' + r); state = (yield state) + state; }
      exports.run = async function run(log) {
        const g = counter();
        log.push(await g.next('ignored'));
        log.push(await g.next(5));
        log.push(await g.next());
        state = 100;
        log.push(await g.next(2));
        log.push(await g.return('early'));
        log.push(await g.next(), await g.next());
        const t = counter();
        await t.next();
        log.push(await t.throw(new Error('thrown in')));
        try { await t.next(); } catch (e) { log.push('caught ' + e.message); }
        const q = counter();
        log.push(await Promise.all([q.next(), q.next(3), q.next(4)]), state);
        const d = delegating();
        log.push(await d.next(), await d.next('b'), await d.next(1), await d.next(), state);
        return state;
      };
    `,
  },
  {
    name: 'try/catch/finally around awaits that reject: order and values',
    expect: [/catch \(e\) \{_asyncrace\.r\(/, /finally \{_asyncrace\.r\(/],
    code: src`
      let x = 0;
      const read = () => x;
      async function fail(msg, ticks = 1) {
        for (let i = 0; i < ticks; i++) await null;
        log.push('fail ' + msg);
        throw new Error(msg); /*@throw*/
      }
      async function ok(v) { await null; log.push('ok ' + v); return v; }
      async function nested() {
        try {
          try { x += await fail('inner'); } finally { log.push('inner finally ' + x); x = await ok(x + 1); }
        } catch (e) { log.push('outer catch ' + e.message + ' ' + read()); return 'from catch'; } finally { log.push('outer finally'); }
      }
      async function overriding() { try { return await ok('try'); } finally { x = await ok(x + 10); return 'finally wins'; } }
      async function rethrow() { try { await fail('first'); } catch (e) { x += 1; throw new TypeError('second: ' + e.message); } }
      async function swallowed() { try { throw new Error('lost'); } finally { return 'swallowed'; } }
      exports.run = async function run(log) {
        log.push(await nested(), x);
        log.push(await overriding(), x);
        try { await rethrow(); } catch (e) { log.push(e.constructor.name, e.message, x); }
        log.push(await swallowed());
        const settled = await Promise.allSettled([fail('a', 2), ok('b'), fail('c', 0)]);
        log.push(settled.map((s) => s.status + ':' + (s.value ?? s.reason.message)));
        try { await Promise.reject(new RangeError('direct')); } catch ({ message }) { log.push(message); }
        try { await fail('uncaught at end'); } finally { log.push('last finally', x); }
      };
    `,
  },
  {
    name: 'exception thrown midway through a compound assignment leaves the variable unchanged',
    expect: [/x = _asyncrace\.w\(_arc_x/],
    code: src`
      let x = 10;
      let y = 'keep';
      const boom = () => { throw new Error('boom'); };
      async function rejecting() { await null; throw new Error('async boom'); }
      function side(v) { log.push('side ' + v); return v; }
      exports.run = async function run(log) {
        try { x += boom(); } catch (e) { log.push(e.message, x); }
        try { x = x + side(1) + boom(); } catch (e) { log.push(e.message, x); }
        try { x += await rejecting(); } catch (e) { log.push(e.message, x); }
        try { x = side(x) * (await rejecting()); } catch (e) { log.push(e.message, x); }
        x = null;
        try { x ??= await rejecting(); } catch (e) { log.push(e.message, x); }
        try { y = [side('a'), boom(), side('b')]; } catch (e) { log.push(e.message, y); }
        try { [x, y = boom()] = [1]; } catch (e) { log.push(e.message, x, y); }
        x = 1n;
        try { x += 1; } catch (e) { log.push(e.constructor.name, e.message, x); }
        x = 5;
        x += side(1) + (() => { throw new Error('final boom'); })(); /*@throw*/
      };
    `,
  },
  {
    name: 'TDZ: shared let used before its declaration (ReferenceError, same point)',
    expect: [/_asyncrace\.c\(_asyncraceModule, "z"/],
    code: src`
      function readX() { return x; }
      function writeX() { x = 'written'; }
      function bump() { x += (log.push('bump rhs'), 1); }
      function sideWrite() { x = (log.push('rhs evaluated'), 2); }
      const probes = { readX, writeX, bump, sideWrite, typeofX: () => typeof x, inc: () => x++, pattern: () => ([x] = [1]) };
      for (const [name, probe] of Object.entries(probes)) {
        try { probe(); log.push(name + ' ok'); } catch (e) { log.push(name, e.constructor.name, e.message); }
      }
      let x = 0;
      exports.run = async function run(log) {
        async function inner() {
          try { use(); } catch (e) { log.push('inner', e.constructor.name, e.message); }
          await null;
          try { z = z + await 1; } catch (e) { log.push('inner await', e.constructor.name, e.message); }
          let z = 1;
          function use() { z = z + 1; }
          use();
          return z;
        }
        log.push(await inner(), readX());
        writeX();
        return x;
      };
    `,
  },
  {
    name: 'TDZ at module load: uncaught ReferenceError at the same line',
    code: src`
      log.push('before');
      function side() { log.push('side'); return 1; }
      counter = side(); /*@throw*/
      let counter = 0;
      exports.run = async function run() { counter++; return 'never'; };
    `,
  },
  {
    name: 'assignment to a const captured by a closure (TypeError, same point)',
    code: src`
      const c = 1;
      function assign() { c = 2; }
      function compound() { c += (log.push('rhs'), 1); }
      function logical() { c ??= (log.push('never'), 3); c ||= 4; c &&= (log.push('and rhs'), 5); }
      function update() { c++; }
      function destructure() { [c] = [9]; }
      let changed = 0;
      exports.run = async function run(log) {
        const local = 'L';
        const setLocal = async () => { await null; changed++; local = 'changed'; };
        for (const fn of [assign, compound, logical, update, destructure, setLocal]) {
          try { await fn(); log.push(fn.name + ' ok'); } catch (e) { log.push(fn.name, e.constructor.name, e.message); }
        }
        for (const i of [1, 2]) { try { (() => { i = 3; })(); } catch (e) { log.push(e.message); } }
        return [c, local, changed];
      };
    `,
  },
  {
    name: 'closures in loops: per-iteration let bindings captured by async closures',
    expect: [/_asyncrace\.c\(_asyncraceModule, "i"/],
    code: src`
      exports.run = async function run(log) {
        const tasks = [];
        for (let i = 0; i < 4; i++) {
          const bump = () => i++;
          tasks.push(async () => { log.push('start ' + i); await null; i += 10; log.push('end ' + i); return i; });
          if (i === 1) bump();
        }
        for (var j = 0; j < 3; j++) tasks.push(async () => { await null; return j; });
        for (let k of ['a', 'b']) tasks.push(async () => { const before = k; await null; k = before + '!'; return k; });
        for (let m in { p: 1, q: 2 }) tasks.push(async () => { m += await 'x'; return m; });
        let n = 0;
        while (n < 2) {
          let captured = n;
          tasks.push(async () => { captured = captured + await Promise.resolve(100); return captured; });
          n++;
        }
        const first = await Promise.all(tasks.map((t) => t()));
        const second = await Promise.all(tasks.map((t) => t()));
        return [first, second, j];
      };
    `,
  },
  {
    name: 'labelled break/continue around for-await and for-of loops',
    expect: [/_asyncrace\.l\(/],
    code: src`
      let x = 0;
      const peek = () => x;
      async function* letters() {
        try { for (const c of 'abcd') { await null; yield c; } } finally { log.push('letters closed'); }
      }
      exports.run = async function run(log) {
        outer: for await (const l of letters()) {
          inner: for (x of [1, 2, 3]) {
            if (x === 2 && l === 'a') continue outer;
            if (l === 'c') break outer;
            if (x === 3) break inner;
            log.push(l + x + peek());
          }
          log.push('after inner ' + l);
        }
        log.push('after outer');
        a: b: for await (x of letters()) if (x === 'b') continue a; else if (x === 'c') break b; else log.push('x ' + x);
        if (x) for await (const l of letters()) log.push('if ' + l);
        else log.push('no');
        block: {
          for await (const l of letters()) { if (l === 'b') break block; log.push('block ' + l); }
          log.push('not reached');
        }
        let count = 0;
        loop: while (true) {
          for await (const l of letters()) {
            count++;
            if (count > 5) break loop;
            if (l === 'b') continue loop;
            switch (l) { case 'a': log.push('case a'); break; default: continue; }
          }
        }
        return [x, count];
      };
    `,
  },
  {
    name: 'arguments and this inside instrumented async functions and methods',
    expect: [/_asyncrace\.e\(\)/],
    code: src`
      let x = 0;
      async function withArgs(a, b) {
        const setA = (v) => { a = v; };
        await null;
        x += arguments.length;
        arguments[0] = 'changed';
        const afterMapped = a;
        setA('set');
        return [afterMapped, arguments[0], b, arguments.length, Array.from(arguments), typeof this];
      }
      const obj = {
        name: 'obj',
        async method(...rest) { const before = this.name; await null; x = x + rest.length; return [before, this.name, rest, arguments.length]; },
        arrowInside() { return async () => { await null; return [this.name, arguments[0]]; }; },
      };
      class Base { async greet() { await null; return 'base ' + this.id; } }
      class Derived extends Base {
        constructor(id) { super(); this.id = id; }
        async greet(suffix) { const s = await super.greet(); x += 1; return s + ' derived ' + suffix + ' ' + arguments.length; }
        static async make(id) { await null; return new this(id); }
      }
      exports.run = async function run(log) {
        log.push(await withArgs(1, 2, 3));
        log.push(await withArgs.call('str', 1));
        log.push(await obj.method(1, 2));
        log.push(await obj.arrowInside('first')());
        const d = await Derived.make(7);
        log.push(await d.greet('!'), d instanceof Derived);
        log.push(await (async function () { await null; return [typeof this, this.valueOf()]; }).call(5));
        log.push(this === exports, arguments.length);
        return x;
      };
    `,
  },
  {
    name: 'async arrow functions with expression bodies',
    expect: [/async \(n\) => \{/],
    code: src`
      let x = 1;
      const add = async (n) => x += n;
      const addAwait = async (n) => x = x + await n;
      const obj = async () => ({ x });
      const nested = async () => async () => x++;
      const exprThrow = async () => x.missing.prop;
      exports.run = async (log) => {
        log.push(await add(1), await addAwait(Promise.resolve(2)), await obj(), await (await nested())(), x);
        try { await exprThrow(); } catch (e) { log.push(e.constructor.name, e.message); }
        const results = await Promise.all([1, 2, 3].map(async (n) => (await null, x *= n)));
        return [results, x, add.name, addAwait.name, add.length, nested.name];
      };
    `,
  },
  {
    name: 'async methods in classes and object literals (private, static, computed, fields)',
    expect: [/_asyncrace\.w\(_arc_total/],
    code: src`
      let total = 0;
      const key = 'computed';
      class Account {
        #balance = 0;
        static instances = 0;
        static { total = 1000; }
        constructor() { Account.instances++; }
        async #apply(n) { await null; this.#balance += n; total -= n; return this.#balance; }
        async deposit(n) { return this.#apply(n); }
        async [key]() { await null; return key; }
        static async create() { const a = new Account(); await a.deposit(5); return a; }
        get balance() { return this.#balance; }
        field = async () => { total += await Promise.resolve(1); return total; };
      }
      const methods = {
        async plain() { await null; total++; return 'plain'; },
        async *gen() { yield total; yield await Promise.resolve(total + 1); },
        async ['comp' + 'uted']() { return 'obj computed'; },
      };
      exports.run = async function run(log) {
        const a = await Account.create();
        log.push(a.balance, total, Account.instances);
        log.push(await Promise.all([a.deposit(1), a.deposit(2), a.field()]));
        log.push(await a.computed(), await methods.plain(), await methods.computed());
        for await (const v of methods.gen()) log.push(v);
        log.push(Object.getOwnPropertyNames(Account.prototype), Account.prototype.deposit.name, methods.plain.name, methods.gen.name);
        return [a.balance, total];
      };
    `,
  },
  {
    name: 'getters and setters invoked alongside shared variable writes (call counts)',
    expect: [/x = _asyncrace\.w\(_arc_x/],
    code: src`
      let x = 0;
      const calls = { get: 0, set: 0 };
      const o = {
        get p() { calls.get++; log.push('get p x=' + x); return x; },
        set p(v) { calls.set++; log.push('set p ' + v); x = v; },
      };
      async function one() { await null; return 1; }
      exports.run = async function run(log) {
        o.p += await one();
        x = o.p + o.p;
        o.p = x = 5;
        x = o.p++;
        o.p ??= log.push('never');
        x = (o.p = 10) + x;
        [o.p, x] = [x, o.p];
        ({ p: x } = o);
        o.p &&= await one();
        x += o.p;
        return [x, o.p, calls];
      };
    `,
  },
  {
    name: 'shorthand properties { x } of a shared variable read before an await, then written',
    expect: [/x: \(_v\d* = _asyncrace\.v\(_arc_x\)/],
    code: src`
      let x = 1;
      let y = 'y';
      const touch = () => { x++; };
      async function snapshotThenWrite() {
        const snap = { x, y, z: 3 };
        await null;
        x = snap.x + 10;
        return snap;
      }
      async function nested() {
        const { a } = { a: { x } };
        const copy = [{ x }][0];
        await Promise.resolve();
        x = a.x + copy.x;
        return { x, y };
      }
      exports.run = async function run(log) {
        log.push(await snapshotThenWrite(), x);
        const p = snapshotThenWrite(); touch(); log.push(await p, x);
        log.push(await nested());
        log.push(Object.keys({ x, y }));
        return { x };
      };
    `,
  },
  {
    name: 'typeof of an undeclared name inside an instrumented async function',
    expect: [/_asyncrace\.k\(_arc_x/],
    code: src`
      let x = 0;
      exports.run = async function run(log) {
        log.push(typeof notDeclaredAnywhere, typeof x);
        await null;
        x = typeof alsoUndeclared === 'undefined' ? x + 1 : -1;
        try { log.push(typeof notDeclaredAnywhere.foo); } catch (e) { log.push(e.constructor.name, e.message); }
        try { log.push(notDeclaredAnywhere); } catch (e) { log.push(e.constructor.name, e.message); }
        log.push(typeof (() => notDeclaredAnywhere), typeof globalThis.notDeclaredAnywhere);
        x = x + (typeof await notDeclaredEither === 'undefined' ? 1 : 0);
        return x;
      };
    `,
  },
  {
    name: 'concurrent tasks with Promise.all mutating shared variables: same interleaving and final values',
    expect: [/_asyncrace\.k\(_arc_balance/],
    outcome: [/"a wrote 90"/],
    code: src`
      let balance = 100;
      let ops = 0;
      async function tick(n) { for (let i = 0; i < n; i++) await null; }
      async function withdraw(name, amount, delay) {
        log.push(name + ' start');
        const seen = balance;
        await tick(delay);
        balance = seen - amount;
        ops++;
        log.push(name + ' wrote ' + balance);
        return balance;
      }
      async function atomic(name, amount) { log.push(name + ' atomic'); balance -= amount; await null; balance += await Promise.resolve(0); return balance; }
      exports.run = async function run(log) {
        const results = await Promise.all([withdraw('a', 10, 2), withdraw('b', 20, 0), withdraw('c', 30, 1), atomic('d', 5)]);
        log.push(results, balance, ops);
        const order = [];
        await Promise.all([
          (async () => { order.push('A1'); await null; order.push('A2'); await new Promise((r) => setImmediate(r)); order.push('A3'); })(),
          (async () => { order.push('B1'); await { then(r) { order.push('thenable'); r(); } }; order.push('B2'); })(),
          (async () => { order.push('C1'); await Promise.resolve(); order.push('C2'); await (async () => 'inner')(); order.push('C3'); })(),
          (async () => { order.push('D1'); process.nextTick(() => order.push('tick')); queueMicrotask(() => order.push('micro')); await 0; order.push('D2'); })(),
          (async () => { order.push('E1'); const p = (async () => Promise.resolve('e'))(); order.push(await p); })(),
          (async () => { for await (const v of [1, Promise.resolve(2)]) order.push('F' + v); })(),
          Promise.resolve().then(() => order.push('then1')).then(() => order.push('then2')).then(() => order.push('then3')),
        ]);
        let shared = 0;
        const worker = async (id, n) => {
          for (let i = 0; i < n; i++) { const v = shared; await null; shared = v + 1; order.push(id + ':' + shared); }
        };
        await Promise.all([worker('p', 3), worker('q', 2), worker('r', 4)]);
        await Promise.race([worker('s', 2), worker('t', 1)]);
        order.push('race done ' + shared);
        await tick(3);
        return [order, shared, balance];
      };
    `,
  },
  {
    name: 'functions using direct eval or with are left uninstrumented and behave the same (sloppy)',
    expect: [/function withWriter\(obj\) \{with \(obj\) \{x = 'with-' \+ x;y \+= 1;\}/, /await null;eval\(code\);x \+= local;/],
    code: src`
      var x = 1;
      let y = 2;
      const touchX = () => { x += 100; };
      function withWriter(obj) { with (obj) { x = 'with-' + x; y += 1; } return [x, y]; }
      async function evalWriter(code) { let local = 10; const peek = () => local; await null; eval(code); x += local; return [x, local, peek()]; }
      function evalVar() { eval('var introduced = 5'); return typeof introduced; }
      async function asyncWith(o) { with (o) { await null; p = p + 1; } return o.p; }
      exports.run = async function run(log) {
        log.push(withWriter({ x: 'own' }), x);
        log.push(withWriter({}), x);
        log.push(await evalWriter('local += 5; x = x * 2'));
        log.push(evalVar(), typeof introduced);
        log.push(await asyncWith({ p: 1 }));
        touchX();
        log.push((0, eval)('typeof x'), x);
        const shadow = (eval) => eval('1 + 1');
        log.push(shadow((s) => 'not eval: ' + s));
        return [x, y];
      };
    `,
  },
  {
    name: 'a module using with at top level is left entirely alone',
    instrumented: false,
    code: src`
      var x = 1;
      const scope = { y: 2 };
      with (scope) { x = x + y; y = 5; }
      exports.run = async function run(log) { await null; x += 1; log.push(scope.y); return x; };
    `,
  },
  {
    name: 'function names inferred from assignments to shared variables',
    expect: [/_asyncrace\.w\(_arc_f/],
    code: src`
      var f = function () {};
      var arrow = async () => {};
      let g = () => {};
      let h;
      let k = null;
      let m = 1;
      let C = class {};
      let D;
      var __proto__ = class {};
      const nameOf = (v) => (v == null ? String(v) : typeof v.name === 'function' ? 'static name()' : v.name);
      const names = () => [f, arrow, g, h, k, m, C, D, __proto__].map(nameOf);
      D = class { static name() {} };
      exports.run = async function run(log) {
        log.push(names());
        f = function () {};
        g = () => {};
        h = async function* () {};
        k ??= class {};
        m &&= function () {};
        C ||= () => {};
        D = class { static name() {} };
        __proto__ = () => {};
        log.push(names(), Object.getPrototypeOf({ __proto__ }) === Object.prototype);
        f = await Promise.resolve(function () {});
        g = (0, () => {});
        h = function named() {};
        k = g = () => {};
        log.push(names());
        arrow = (await null, async () => {});
        return names();
      };
    `,
  },
  {
    name: 'shared variables written in parameter default values',
    expect: [/_asyncrace\.w\(_arc_x/],
    code: src`
      let x = 0;
      async function asyncDefault(a = x++, b = (x += 10)) { await null; return [a, b, x]; }
      const arrow = async (a = (x *= 2), { b } = { b: x }) => { await null; return [a, b, x]; };
      exports.run = async function run(log) {
        log.push(await asyncDefault(), await asyncDefault(1), x);
        log.push(await arrow(), await arrow(1, { b: 2 }), x);
        return x;
      };
    `,
  },
  {
    name: 'strict mode module: directive kept, pattern assignment in a parameter default',
    expect: [/^"use strict";/],
    code: src`
      "use strict";
      let x = 0, y = 0;
      function p(r = ([x, y] = [5, 6])) { return r; }
      exports.run = async function run(log) {
        try { undeclaredStrict = 1; } catch (e) { log.push(e.constructor.name, e.message); }
        log.push((function () { return this; })());
        x = x + await 1;
        log.push(p(), x, y);
        try { p()[0] = 1; log.push('arrays are writable'); } catch (e) { log.push(e.message); }
        return [x, y];
      };
    `,
  },
  {
    name: 'line numbers: every statement keeps its line, errors report the original line',
    expect: [/_asyncrace\.k\(_arc_x/],
    outcome: [/"first @9"/],
    code: src`
      let x = 0;
      async function step(n) {
        log.push('step ' + n + ' @' + at());
        await null;
        x += n; log.push('after await @' + at());
        return x;
      }
      exports.run = async function run(log) {
        log.push('first @' + at());
        for (let i = 0; i < 2; i++) {
          x = x + (await step(i));
          log.push('loop ' + i + ' @' + at());
        }
        const value = [
          at(),
          await step(5),
          at(),
        ];
        log.push(value);
        const e = new Error('not thrown');
        log.push(e);
        if (x > 3) {
          x +=
            1;
          throw new RangeError('x too big: ' + x); /*@throw*/
        }
      };
    `,
  },
  {
    name: 'line numbers: error thrown inside an instrumented compound assignment spanning lines',
    code: src`
      let x = 1;
      const boom = () => null;
      exports.run = async function run(log) {
        log.push(at());
        x += await Promise.resolve(
          2,
        );
        log.push(at(), x);
        x =
          x +
          boom().missing; /*@throw*/
      };
    `,
  },
  {
    name: 'error messages quoting the source text of a shared variable read are unchanged',
    expect: [/_asyncrace\.v\(_arc_fn\)/, /_asyncrace\.v\(_arc_state\)/, /_asyncrace\.v\(_arc_queue\)/, /_asyncrace\.v\(_arc_pair\)/],
    code: src`
      let fn = null;
      let state;
      let queue = 5;
      let pair = null;
      async function callIt() { const r = fn(); await null; fn = r; }
      async function method() { const r = fn.call(); await null; fn = r; }
      async function chain() { const r = pair.a.b(); await null; pair = r; }
      async function optional() { const r = queue?.(); await null; queue = r; }
      async function construct() { const r = new fn(); await null; fn = r; }
      async function tagged() { const r = fn${'`'}t${'`'}; await null; fn = r; }
      async function destructure() { const { items } = state; await null; state = { items }; }
      async function destructureMember() { const [first] = state.list, other = 1; await null; state = { first, other }; }
      async function iterate() { loop: for (const item of queue) { queue = item; await null; continue loop; } }
      async function spread() { const copy = [...queue]; await null; queue = copy; }
      async function spreadMember() { const copy = [...state.list, 1]; await null; state = copy; }
      async function assignPattern() { let a; [a] = pair; await null; pair = [a]; }
      async function* delegate() { yield* queue; }
      exports.run = async function run(log) {
        const all = [callIt, method, chain, optional, construct, tagged, destructure, destructureMember, iterate, spread, spreadMember, assignPattern];
        for (const f of all) {
          try { await f(); log.push(f.name + ' ok'); } catch (e) { log.push(f.name, e.constructor.name, e.message); }
        }
        state = {};
        pair = { a: {} };
        for (const f of all) {
          try { await f(); log.push(f.name + ' ok'); } catch (e) { log.push(f.name, e.constructor.name, e.message); }
        }
        // Only a variable operand: for other non-iterable operands V8's message is made of
        // "(intermediate value)" fragments whose count depends on the generated code around it.
        const delegates = [delegate, async function* (local = 5) { yield* local; }];
        for (const g of delegates) {
          try { for await (const v of g()) log.push(v); } catch (e) { log.push('delegate', e.constructor.name, e.message); }
        }
        fn = () => 'called'; state = { items: [1], list: [2] }; queue = [1, 2]; pair = [3];
        for (const f of [callIt, destructure, destructureMember, iterate, spread, assignPattern]) await f();
        return [typeof fn, state, queue, pair];
      };
    `,
  },
  {
    name: 'closures in parameter default values capturing other parameters',
    expect: [/_asyncrace\.c\(_asyncraceModule, "n"/],
    code: src`
      function counter(n = 0, inc = () => n++, get = () => n) { inc(); inc(); return get(); }
      async function asyncCounter(n = 5, inc = () => ++n) { inc(); await null; n = n * 2; return [n, inc()]; }
      function early(a = 1, b = (() => { a = a + 1; return a; })()) { return [a, b]; }
      exports.run = async function run(log) {
        log.push(counter(), counter(10));
        log.push(await asyncCounter(), await asyncCounter(0, () => 'own'));
        log.push(early(), early(5), early(5, 0));
        return 'done';
      };
    `,
  },
  {
    name: 'every sub-expression evaluated once and in the original order around awaits',
    expect: [/_asyncrace\.r\(_t\d*, await _asyncrace\.a\(/],
    code: src`
      let x = 1;
      const t = (tag, v) => (log.push(tag + ' x=' + x), v);
      async function a(tag, v) { log.push('a ' + tag); await null; x = v; return v; }
      exports.run = async function run(log) {
        const obj = {};
        const arr = [t('first', x), await a('1', 2), t('third', x), x];
        obj[t('key', 'k' + x)] = await a('2', 3) + x;
        const s = 'tmpl ' + x + (await a('3', 4)) + x;
        const call = t('callee', (...args) => args)(x, await a('4', 5), x);
        const cond = x > 4 ? await a('5', 6) : await a('6', 7);
        const logical = (x === 6 && (await a('7', 8))) || t('or', x);
        x = x + (await a('8', 100)) + x;
        const nested = { [x]: await a('9', x + 1), x };
        const opt = obj?.[await a('10', 'k3')] ?? x;
        const seq = (t('s1'), await a('11', 12), t('s2'), x);
        const made = new (t('ctor', Array))(x, await a('12', 13), x);
        const tagged = ((strings, ...values) => values)${'`'}${'${'}x}${'${'}await a('13', 14)}${'${'}x}${'`'};
        return [arr, obj, s, call, cond, logical, x, nested, opt, seq, made, tagged];
      };
    `,
  },
  {
    name: 'shared variables scoped to switch, catch, blocks and labelled blocks',
    expect: [/_asyncrace\.c\(_asyncraceModule, "s"/, /_asyncrace\.c\(_asyncraceModule, "e"/],
    code: src`
      exports.run = async function run(log) {
        const fns = [];
        switch (log.length) {
          case 0:
            let s = 0;
            fns.push(() => ++s);
            s = 10;
            break;
        }
        try { throw new Error('e1'); } catch (e) { fns.push(() => (e = e + '!')); e = 'reset'; }
        { let b = 'block'; fns.push(async () => { b += await 'x'; return b; }); }
        lbl: { let lb = 1; fns.push(() => lb++); if (lb) break lbl; log.push('never'); }
        for (let i = 0, j = 10; i < 2; i++, j--) fns.push(() => [i, j--]);
        const results = [];
        for (const f of fns) results.push(await f(), await f());
        return results;
      };
    `,
  },
  {
    name: 'await in loop heads and conditions; closures over function-scoped vars',
    expect: [/_asyncrace\.w\(_arc_n/],
    code: src`
      let x;
      async function f(v) { await null; log.push('f ' + v); return v; }
      function makeCounter() {
        var n = 0;
        return { inc: async (k) => { var before = n; n = before + await Promise.resolve(k); return n; }, get: () => n };
      }
      async function fib(k) { var r = k < 2 ? k : (await fib(k - 1)) + (await fib(k - 2)); return r; }
      exports.run = async function run(log) {
        for (x = await f(0); x < await f(3); x += await f(1)) log.push('for ' + x);
        let i = 0;
        while (await f(i < 2)) i++;
        do { i--; } while (await f(i > 0));
        const c = makeCounter();
        log.push(await Promise.all([c.inc(1), c.inc(2), c.inc(3)]), c.get());
        log.push(await fib(7));
        var redeclared = 1; var redeclared = await f(2);
        return [x, i, redeclared];
      };
    `,
  },
  {
    name: 'block-level function declarations, hoisting and directives inside async functions',
    expect: [/_asyncrace\.e\(\)/],
    code: src`
      let x = 0;
      exports.run = async function run(log) {
        log.push(typeof inner, typeof hoisted, hoisted());
        { function inner() { return 'inner'; } }
        log.push(typeof inner);
        await null;
        x = hoisted() + x;
        function hoisted() { return 1; }
        const strictFn = async function () { 'use strict'; await null; return this; };
        const sloppyFn = async function () { await null; return this === globalThis; };
        log.push(await strictFn(), await sloppyFn());
        async function params(a, b = a, ...c) { await null; return [a, b, c, params.length]; }
        log.push(await params(1), await params(1, 2, 3, 4));
        return x;
      };
    `,
  },
  {
    name: 'sync generators, class fields and static blocks touching shared state',
    expect: [/_asyncrace\.w\(_arc_x/],
    code: src`
      let x = 0;
      function* gen() { while (x < 3) { const got = yield x++; x += got ?? 0; } return x; }
      class C {
        static count = x++;
        value = (x += 10);
        static { x *= 2; }
        async method() { const v = this.value; await null; x = v + x; return x; }
      }
      exports.run = async function run(log) {
        const it = gen();
        log.push(it.next(), it.next(1), it.next(), it.next(), x);
        const c = new C();
        log.push(C.count, c.value, await c.method(), x);
        return x;
      };
    `,
  },
  {
    name: 'an exception on the first line, where the runtime header goes',
    code: src`
      let x = 0; const f = () => x++; x = (() => { throw new Error('first line ' + f()); })(); /*@throw*/
      exports.run = async function run() { return x; };
    `,
  },
  {
    name: 'top-level return and multi-line template literals keep their lines',
    expect: [/_asyncrace\.w\(_arc_x/],
    code: src`
      let x = 'a';
      async function later(v) { await null; return v; }
      exports.run = async function run(log) {
        const text = ${'`'}line ${'${'}at()}
      x=${'${'}x} ${'${'}await later(at())}
      end ${'${'}(x = x + await later('b'), x)}${'`'};
        log.push(text, at());
        return x;
      };
      if (typeof exports.run === 'function') return;
      exports.run = null;
    `,
  },
  {
    name: 'no extra promise jobs: Promise.prototype.then call count and thenable lookups unchanged',
    expect: [/_asyncrace\.a\(/],
    code: src`
      const originalThen = Promise.prototype.then;
      let thenCalls = 0;
      let x = 0;
      const thenable = { get then() { log.push('then looked up'); return (resolve) => resolve('thenable'); } };
      async function* numbers() { for (let i = 0; i < 3; i++) { yield i; await null; } }
      async function work(id) {
        x = x + await Promise.resolve(id);
        for await (const n of numbers()) x += n;
        log.push(id + ':' + await thenable);
        return x;
      }
      exports.run = async function run(log) {
        Promise.prototype.then = function (...args) { thenCalls++; return originalThen.apply(this, args); };
        try {
          log.push(await Promise.all([work('a'), work('b')]));
          log.push(await Promise.race([work('c'), Promise.resolve('fast')]));
          await Promise.resolve().then(() => work('d'));
        } finally {
          Promise.prototype.then = originalThen;
        }
        return [thenCalls, x];
      };
    `,
  },
  {
    name: 'cells for loop and switch bindings in single-statement and labelled positions',
    expect: [/_asyncrace\.c\(_asyncraceModule, "i"/, /_asyncrace\.c\(_asyncraceModule, "s"/],
    code: src`
      exports.run = async function run(log) {
        const fns = [];
        if (log.length === 0) for (let i = 0; i < 2; i++) fns.push(() => i++);
        for (const a of [1, 2]) for (let j = 0; j < 2; j++) fns.push(async () => (j += await a));
        outer: for (let k = 0; k < 3; k++) { fns.push(() => k++); if (k === 1) continue outer; }
        if (fns.length) sw: switch (fns.length) { case 7: let s = 's'; fns.push(() => (s += '!')); break sw; default: log.push('default'); }
        else log.push('never');
        const results = [];
        for (const f of fns) results.push(await f(), await f());
        return results;
      };
    `,
  },
  {
    name: 'user variables named like the generated ones',
    expect: [/_asyncrace2|_asyncrace\d/],
    code: src`
      let _asyncrace = 'mine', _asyncraceModule = 'module', _t = 't', _v = 'v', _q = 'q', _arc_x = 'cell', _r = 'r', x = 0;
      const all = () => [_asyncrace, _asyncraceModule, _t, _v, _q, _arc_x, _r, x];
      async function touch(tag) {
        const old = _t;
        await null;
        _t = old + tag; _v += tag; _q = _q + await tag; [_r, _arc_x] = [_arc_x, _r]; x++;
        _asyncrace += tag; _asyncraceModule = _asyncraceModule + tag;
        return all();
      }
      exports.run = async function run(log) {
        log.push(await touch('1'), await Promise.all([touch('2'), touch('3')]));
        return all();
      };
    `,
  },
  {
    name: 'super inside async methods of object literals and static class methods',
    expect: [/_asyncrace\.e\(\)/],
    code: src`
      let calls = 0;
      const base = { async greet(n) { await null; calls++; return 'base ' + n + ' ' + this.tag; } };
      const child = {
        __proto__: base,
        tag: 'child',
        async greet(n) { const s = await super.greet(n); calls += 1; return s + ' child'; },
        async arrow() { const f = async () => super.greet('arrow'); return f(); },
      };
      class A { static async make() { await null; return 'A ' + this.name; } }
      class B extends A { static async make() { calls++; return (await super.make()) + ' via B'; } }
      exports.run = async function run(log) {
        log.push(await child.greet(1), await child.arrow(), await B.make());
        return calls;
      };
    `,
  },
  {
    name: 'pattern assignments to shared variables in static blocks, field initializers and loop heads',
    expect: [/_asyncrace\.w\(_arc_a/],
    code: src`
      let a = 1, b = 2;
      const swap = () => [a, b];
      class K {
        static { [a, b] = [b, a]; }
        field = ([a, b] = [b * 10, a * 10]);
      }
      exports.run = async function run(log) {
        log.push(swap());
        const k = new K();
        log.push(k.field, swap());
        for (let i = 0; i < 2; [a, b] = [b, a + await Promise.resolve(i)], i++) log.push(swap());
        const arrow = async () => ([a, b] = await Promise.resolve([b, a]));
        log.push(await arrow(), swap());
        return swap();
      };
    `,
  },
  {
    name: 'a module declaring its own function named require',
    expect: [/module\.require\(/],
    code: src`
      let x = 0;
      exports.run = async function run(log) { x = x + await 1; return [x, require('a'), typeof module.require]; };
      function require(name) { log.push('custom require ' + name); return 'custom ' + name; }
    `,
  },
  // Properties, Map and Set entries (babel-plugin/objects.ts), and what V8 quotes around them.
  {
    name: 'objects: getters and setters read before an await and written after (call counts)',
    expect: [/_asyncrace\.lp\(/, /_asyncrace\.kp\(/],
    code: src`
      const counts = { get: 0, set: 0 };
      function accessors(label) {
        let stored = 1;
        return {
          get p() { counts.get++; log.push(label + ' get ' + stored); return stored; },
          set p(v) { counts.set++; log.push(label + ' set ' + v); stored = v; },
        };
      }
      class Box {
        #v = 10;
        get v() { counts.get++; log.push('Box get ' + this.#v); return this.#v; }
        set v(n) { counts.set++; log.push('Box set ' + n); this.#v = n; }
      }
      const o = accessors('o');
      let holder = { inner: accessors('inner') };
      const box = new Box();
      async function tick(v) { await null; return v; }
      async function viaLocal() { const before = o.p; await tick(); o.p = before + 1; return before; }
      async function compound() { o.p += await tick(2); box.v *= await tick(3); holder.inner.p -= await tick(1); }
      async function update() { const n = box.v; await null; box.v = n + 1; box.v++; return box.v--; }
      async function guarded() { if (box.v > 5) { await tick(); box.v = 0; } return box.v; }
      async function nested() { const cur = holder.inner.p; await tick(); holder.inner.p = cur * 10; holder = { inner: holder.inner }; }
      exports.run = async function run(log) {
        log.push(await viaLocal(), await Promise.all([viaLocal(), viaLocal()]));
        await compound();
        log.push(await update(), await guarded());
        await nested();
        log.push(o.p, box.v, holder.inner.p);
        return counts;
      };
    `,
  },
  {
    name: 'objects: Proxies log every trap the same (as objects and as Map lookalikes)',
    expect: [/_asyncrace\.kp\(/, /_asyncrace\.we\(/],
    code: src`
      function traced(label, target) {
        const handler = {};
        for (const trap of ['get', 'set', 'has', 'deleteProperty', 'defineProperty', 'getOwnPropertyDescriptor', 'ownKeys', 'getPrototypeOf']) {
          handler[trap] = (...args) => {
            log.push(label + ' ' + trap + ' ' + (typeof args[1] === 'symbol' ? args[1].toString() : String(args[1])));
            return Reflect[trap](...args);
          };
        }
        return new Proxy(target, handler);
      }
      const p = traced('p', { n: 1, list: [1] });
      const store = new Map();
      const lookalike = traced('m', { get(k) { log.push('get this ok ' + (this === lookalike)); return store.get(k); }, set(k, v) { store.set(k, v); return this; }, has(k) { return store.has(k); }, delete(k) { return store.delete(k); } });
      async function bump(obj) { const n = obj.n; await null; obj.n = n + 1; obj.n += await 1; obj.n++; return delete obj.n; }
      async function entries(m, k) {
        if (!m.has(k)) { await null; m.set(k, 1); }
        const v = m.get(k); await null; m.set(k, v + 1);
        const r = m.delete(k);
        return [v, r, m.get(k)];
      }
      exports.run = async function run(log) {
        log.push(await bump(p), 'n' in p, Object.keys(p));
        p.list[0] += await 5;
        log.push(await entries(lookalike, 'k'), [...store]);
        const realMapProxy = new Proxy(new Map(), {});
        try { realMapProxy.set('a', 1); } catch (e) { log.push(e.constructor.name, e.message); }
        return [p.n, p.list];
      };
    `,
  },


  { name: 'objects: frozen, sealed, non-extensible and read-only targets in sloppy mode (silent failure)', expect: [/_asyncrace\.kp\(/], code: frozenTargets(false) },
  {
    name: 'objects: frozen, sealed, non-extensible and read-only targets in strict mode (TypeError)',
    expect: [/_asyncrace\.kp\(/],
    outcome: [/Cannot assign to read only property 'n' of object/],
    code: frozenTargets(true),
  },
  {
    name: 'objects: a setter throwing midway through a compound assignment',
    expect: [/_asyncrace\.kp\(/],
    code: src`
      let allow = 0;
      const o = {
        stored: 1,
        get p() { log.push('get p ' + this.stored); return this.stored; },
        set p(v) { log.push('set p ' + v); if (allow-- <= 0) throw new RangeError('refused ' + v); this.stored = v; }, /*@throw*/
      };
      const key = { toString() { log.push('key toString'); return 'p'; } };
      async function g(v) { log.push('g ' + v); await null; return v; }
      async function stale() { const before = o.p; await null; o.p = before * 10; }
      exports.run = async function run(log) {
        try { o.p += await g(2); } catch (e) { log.push(e.message, o.stored); }
        try { o[key] *= await g(3); } catch (e) { log.push(e.message, o.stored); }
        try { o.p++; } catch (e) { log.push(e.message, o.stored); }
        try { o.p ||= await g(4); log.push('||= skipped'); } catch (e) { log.push(e.message); }
        allow = 1;
        o.p += await g(5);
        try { await stale(); } catch (e) { log.push(e.message, o.stored); }
        try { log.push((o.p = 7), o.stored); } catch (e) { log.push(e.message, o.stored); }
        o.p -= await g(100);
      };
    `,
  },
  {
    name: 'objects: computed keys with side effects and objects as keys (conversion count and order)',
    expect: [/_asyncrace\.kp\(/, /_asyncrace\.lp\(/],
    code: src`
      const o = { a: 1, b: 2, '[object Object]': 'obj', 1: 'one' };
      const counts = {};
      const count = (label) => { counts[label] = (counts[label] ?? 0) + 1; log.push(label); };
      const viaToString = { toString() { count('toString'); return 'a'; }, valueOf() { count('valueOf!'); return 'b'; } };
      const viaValueOf = { toString: undefined, valueOf() { count('valueOf'); return 1; } };
      const viaPrimitive = { [Symbol.toPrimitive](hint) { count('toPrimitive ' + hint); return 'b'; } };
      const plain = {};
      const sym = Symbol('s');
      function key(k) { count('key ' + String(k)); return k; }
      async function g(v) { count('g ' + v); await null; return v; }
      exports.run = async function run(log) {
        o[key(viaToString)] += await g(10);
        o[viaValueOf] = o[viaValueOf] + await g('!');
        o[viaPrimitive] *= await g(3);
        o[plain] += await g('?');
        o[key(sym)] = 's'; o[sym] += await g('ym');
        const k = viaPrimitive;
        const before = o[k]; await null; o[k] = before + 1;
        o[key('a')]++;
        delete o[key(viaToString)];
        log.push(viaToString in o, key('b') in o, o[key(viaPrimitive)]);
        try { o[{ toString() { throw new Error('toString threw'); } }] += await g(1); } catch (e) { log.push(e.message); }
        try { o[key(Object.create(null))] = 1; } catch (e) { log.push(e.constructor.name, e.message); }
        return [o, counts, o[sym]];
      };
    `,
  },
  {
    name: 'objects: o[f()] += await g() and a.b.c ??= await h() evaluate every part once, in order',
    expect: [/_asyncrace\.kp\(/],
    code: src`
      let n = 0;
      const trace = (label, v) => (log.push(label + ' @' + ++n), v);
      const o = { k0: 1, k1: 10 };
      let i = 0;
      const f = () => trace('f', 'k' + i++);
      async function g(v) { trace('g start'); await null; trace('g end'); return v; }
      const c = { get c() { trace('get c'); return this._c; }, set c(v) { trace('set c ' + v); this._c = v; }, _c: null };
      const a = { get b() { trace('get b'); return c; } };
      async function h(v) { trace('h'); await null; return v; }
      exports.run = async function run(log) {
        o[f()] += await g(5);
        trace('obj', o)[f()] -= await g(1);
        a.b.c ??= await h('first');
        a.b.c ??= await h('never');
        a.b.c &&= await h('second');
        a.b.c ||= await h('never');
        c._c = 0;
        a.b.c ||= await h('third');
        trace('a', a).b.c += await h('!');
        a.b['c'] = trace('rhs', 'last');
        return [o, c._c, n];
      };
    `,
  },
  {
    name: 'objects: optional chaining reads feeding writes, with null and non-null bases',
    expect: [/_asyncrace\.(kp|wp)\(_o\d*, "c"/],
    code: src`
      let a = null;
      const k = 'v';
      async function update(label) {
        const cur = a?.b.c;
        const item = a?.[k];
        await null;
        if (a) { a.b.c = (cur ?? 0) + 1; a[k] = (item ?? 0) + 10; }
        log.push(label, a?.b?.c, a?.[k], a?.b.missing?.deep, a?.b.c.toFixed?.(1));
        return a;
      }
      async function guard() {
        if (a?.b.c > 1) { await null; a.b.c = 0; }
        if (!a?.[k]) return 'no ' + k;
        await null;
        a[k] = a?.[k] * 2;
        return a[k];
      }
      exports.run = async function run(log) {
        log.push(await update('null'), await guard());
        a = { b: { c: 1 } };
        log.push(await update('object'), await update('again'), await guard(), await guard());
        try { a = { b: null }; await update('broken'); } catch (e) { log.push(e.constructor.name, e.message); }
        return a;
      };
    `,
  },


  {
    name: 'objects: super.x reads and super.x = v writes in class and object methods',
    expect: [/_asyncrace\.wp\(this, "x"/, /_asyncrace\.kp\(this, "tally"/],
    code: src`
      class Base {
        constructor() { this.x = 1; }
        get acc() { log.push('Base get acc, this.x=' + this.x); return this.x * 100; }
        set acc(v) { log.push('Base set acc ' + v); this.x = v; }
        bump() { return ++this.x; }
      }
      class Derived extends Base {
        async update() {
          const own = this.x;
          const inherited = super.acc;
          await null;
          super.x = own + 1;
          super.acc = inherited + 1;
          super.acc += await Promise.resolve(1);
          super['x'] *= 2;
          this.x = this.x + super.bump();
          this.tally = (this.tally ?? 0) + await Promise.resolve(super.x);
          return [own, inherited, this.x, super.x, Object.keys(this)];
        }
        static s = 'static';
        static async stat() { const v = super.name; await null; this.label = v + '!'; return [v, this.label, super.label]; }
        sync() { super.y = 5; return this.y; }
      }
      const proto = { set p(v) { log.push('proto set p ' + v); this._p = v; }, get p() { return 'proto p'; } };
      const obj = { __proto__: proto, async m() { const before = super.p; await null; super.p = before + '!'; return [this._p, super.p]; } };
      exports.run = async function run(log) {
        const d = new Derived();
        log.push(await d.update(), d.sync(), await Derived.stat(), await obj.m(), Object.keys(obj));
        return d;
      };
    `,
  },
  {
    name: 'objects: static fields, static blocks, and field initializers writing this.x in derived classes',
    expect: [/_asyncrace\.wp\(this, "x"/],
    code: src`
      let seq = 0;
      const stamp = (label) => (log.push(label + ' ' + seq), seq++);
      class Base {
        x = stamp('Base field x');
        constructor(v) { log.push('Base ctor sees x=' + this.x + ' y=' + this.y); this.x += v; this.fromBase = this.x; }
      }
      class Derived extends Base {
        y = (this.x = stamp('Derived field writes x') + this.x);
        static count = 0;
        static registry = new Map();
        static { this.count++; Derived.registry.set('init', this.count); }
        constructor(v) {
          log.push('before super');
          try { this.early = 1; } catch (e) { log.push(e.constructor.name, e.message); }
          const arrow = () => (this.viaArrow = 'arrow');
          try { arrow(); } catch (e) { log.push(e.constructor.name, e.message); }
          super(v);
          this.x *= 10;
          arrow();
          Derived.count += 1;
          Derived.registry.set(this, v);
        }
        async later() { const c = Derived.count; await null; Derived.count = c + 100; return Derived.count; }
      }
      class Other { static #secret = 1; static { Other.#secret += 41; Other.visible = Other.#secret; } }
      exports.run = async function run(log) {
        const a = new Derived(5);
        const b = new Derived(7);
        log.push(a, b, Derived.count, Derived.registry.get(a), Derived.registry.get('init'), Other.visible);
        log.push(await Promise.all([a.later(), b.later()]));
        return Derived.count;
      };
    `,
  },
  {
    name: 'objects: private fields, private methods and accessors, #x in o',
    expect: [/_asyncrace\.kp\(this, "#count"/],
    code: src`
      class Counter {
        #count = 0;
        #log = [];
        static #instances = 0;
        constructor() { Counter.#instances++; }
        get #doubled() { this.#log.push('get #doubled'); return this.#count * 2; }
        set #doubled(v) { this.#log.push('set #doubled ' + v); this.#count = v / 2; }
        #bump(n) { this.#count += n; return this.#count; }
        async add(n) { const c = this.#count; await null; this.#count = c + n; return this.#count; }
        async addAccessor(n) { this.#doubled += await Promise.resolve(n); return this.#doubled; }
        async guarded() { if (#count in this && this.#count < 100) { await null; this.#count++; } return this.#bump(1); }
        static has(o) { return #count in o; }
        static count() { return Counter.#instances; }
        static async poke(o) { try { o.#count = await 1; } catch (e) { log.push(e.constructor.name, e.message); } try { return o.#count; } catch (e) { log.push(e.constructor.name, e.message); } }
        get state() { return [this.#count, this.#log]; }
      }
      exports.run = async function run(log) {
        const c = new Counter();
        log.push(await c.add(1), await Promise.all([c.add(2), c.add(3)]), await c.addAccessor(4), await c.guarded());
        log.push(Counter.has(c), Counter.has({}), Counter.count(), await Counter.poke({}), await Counter.poke(c));
        return c.state;
      };
    `,
  },
  {
    name: 'objects: delete o.x / delete o[k] return values and effects',
    expect: [/_asyncrace\.kp\(/],
    code: src`
      "use strict";
      const o = { a: 1, b: 2, c: 3 };
      const fixed = Object.defineProperty({}, 'nc', { value: 1 });
      async function removeIfSet(obj, k) { if (obj[k] !== undefined) { await null; return delete obj[k]; } return 'unset'; }
      async function swap(obj) { const v = obj.a; await null; delete obj.a; obj.b = v; return Object.keys(obj); }
      exports.run = async function run(log) {
        const keys = ['b', 'missing'];
        log.push(delete o.c, delete o[keys[0]], delete o[keys[1]], delete o.c, 'c' in o);
        log.push(await removeIfSet(o, 'a'), await removeIfSet(o, 'a'), o);
        o.a = 5;
        log.push(await swap(o), o);
        try { delete fixed.nc; } catch (e) { log.push(e.constructor.name, e.message); }
        try { delete fixed[await 'nc']; } catch (e) { log.push(e.constructor.name, e.message); }
        const arr = [1, 2, 3];
        log.push(delete arr[1], arr, arr.length, 1 in arr, delete arr.length === false);
        return [o, typeof (delete o.nothing)];
      };
    `,
  },
  {
    name: 'collections: Map, WeakMap, Set, WeakSet with object keys, NaN and -0',
    expect: [/_asyncrace\.ke\(/, /_asyncrace\.le\(/],
    code: src`
      const m = new Map();
      const wm = new WeakMap();
      const s = new Set();
      const ws = new WeakSet();
      const k1 = { id: 1 }, k2 = { id: 2 };
      async function incr(map, key) { const v = map.get(key) ?? 0; await null; map.set(key, v + 1); return map.get(key); }
      async function addOnce(set, key) { if (!set.has(key)) { await null; set.add(key); return 'added'; } return 'present'; }
      exports.run = async function run(log) {
        log.push(await incr(m, NaN), await incr(m, NaN), m.get(NaN), m.has(0 / 0));
        log.push(await incr(m, -0), await incr(m, 0), [...m.keys()].map((k) => Object.is(k, -0)));
        log.push(await Promise.all([incr(m, k1), incr(m, k1), incr(wm, k2), incr(wm, k2)]), m.get(k1), wm.get(k2));
        log.push(await addOnce(s, NaN), await addOnce(s, NaN), await addOnce(s, -0), await addOnce(s, 0), [...s].map(String));
        log.push(await addOnce(ws, k1), await addOnce(ws, k1), ws.has(k1));
        try { wm.set('primitive', 1); } catch (e) { log.push(e.constructor.name, e.message); }
        try { ws.add(1); } catch (e) { log.push(e.constructor.name, e.message); }
        log.push(m.delete(NaN), m.delete(NaN), s.delete(-0), wm.delete(k2), ws.delete(k1), wm.delete(1));
        log.push(m.set(k2, 'chained').set(k1, 'again') === m, s.add(1).add(2).size, m.size);
        const chained = new Map(); chained.set('a', 1).set('b', 2); chained.delete('a');
        return [[...m], [...s].map(String), [...chained]];
      };
    `,
  },
  {
    name: 'objects: methods named get/set/add/delete on things that are not Maps keep their this and calls',
    expect: [/_asyncrace\.we\(/],
    code: src`
      const calls = [];
      const store = {
        data: {},
        get(k) { calls.push(['get', k, this === store]); return this.data[k]; },
        set(k, v) { calls.push(['set', k, v, this === store]); this.data[k] = v; return 'set result'; },
        add(k) { calls.push(['add', k, arguments.length]); return this; },
        delete(k, extra) { calls.push(['delete', k, extra]); return delete this.data[k]; },
        has(k) { calls.push(['has', k]); return k in this.data; },
      };
      class MapLike extends Map { set(k, v) { calls.push(['MapLike.set', k]); return super.set(k, v * 2); } get(k) { calls.push(['MapLike.get', k]); return super.get(k); } }
      let holder = { store };
      const fns = { set: function (k) { calls.push(['unbound set', k, this === fns]); return k; } };
      async function update(target, k) { const v = target.get(k); await null; target.set(k, (v ?? 0) + 1); return target.get(k); }
      exports.run = async function run(log) {
        log.push(await update(store, 'a'), await update(store, 'a'), store.add('x', 'y'), store.delete('a', 'extra'), store.has('a'));
        log.push(await update(holder.store, 'b'), holder.store.set('c', 3), holder.store.get('c'));
        const ml = new MapLike();
        log.push(await update(ml, 'k'), await update(ml, 'k'), [...ml]);
        log.push(fns.set('f'), fns['set']('g'), (0, fns.set)('h') === 'h');
        const bound = store.set.bind(store); bound('bound', 1);
        const arr = []; const array = { push: arr.push, set: Array.prototype.push };
        log.push(array.set(1, 2, 3), array.length);
        const date = new Date(0); log.push(typeof date.setTime, date.setTime(5));
        return calls;
      };
    `,
  },


  {
    name: 'objects: arrays with holes, length writes, index keys as strings and numbers',
    expect: [/_asyncrace\.kp\(/],
    code: src`
      const arr = [1, , 3];
      const idx = { toString() { log.push('idx toString'); return '1'; } };
      async function fill(a, i) { const v = a[i]; await null; a[i] = (v ?? 0) + 1; return a[i]; }
      async function shrink(a) { const n = a.length; await null; a.length = n - 1; return a.length; }
      exports.run = async function run(log) {
        log.push(1 in arr, await fill(arr, 1), 1 in arr, await fill(arr, '1'), arr[1], await fill(arr, 1.0), await fill(arr, '01'));
        log.push(await fill(arr, 10), arr.length, Object.keys(arr));
        log.push(await shrink(arr), arr, await Promise.all([shrink(arr), shrink(arr)]), arr);
        arr.length += await 2; log.push(arr.length, Object.keys(arr));
        arr[idx] = 'via toString'; arr[idx] += await '!';
        arr[-1] = 'negative'; arr['2'] = 'two'; arr[2] += await '?'; arr[4294967295] = 'not an index';
        try { arr.length = -1; } catch (e) { log.push(e.constructor.name, e.message); }
        try { arr.length = await 1.5; } catch (e) { log.push(e.constructor.name, e.message); }
        const sparse = []; sparse[5] = 5; sparse[0]++; sparse[1] ??= await 'filled';
        log.push(sparse, sparse.length, Object.keys(sparse));
        return [arr, Object.keys(arr), arr.length];
      };
    `,
  },
  {
    name: 'objects: writes to the arguments object in sloppy mode (mapped) and strict mode (unmapped)',
    expect: [/_asyncrace\.wp\(arguments|_asyncrace\.wp\(_o\d*, 0/],
    code: src`
      function sloppy(a, b) {
        arguments[0] = 'changed'; arguments[1] += '!'; arguments.length = 5; arguments[3] = 'extra';
        const before = a; a = 'param'; return [before, arguments[0], b, arguments[1], arguments.length, arguments[3]];
      }
      function strict(a) { 'use strict'; arguments[0] = 'changed'; return [a, arguments[0]]; }
      function withDefault(a = 0) { arguments[0] = 'changed'; return [a, arguments[0]]; }
      async function asyncSloppy(a) { const v = arguments[0]; await null; arguments[0] = v + 1; return [a, arguments[0]]; }
      async function deleter(a) { delete arguments[0]; arguments[0] = 'after delete'; await null; return [a, arguments[0], arguments.length]; }
      exports.run = async function run(log) {
        log.push(sloppy(1, 'b'), sloppy(1), strict(1), withDefault(1));
        log.push(await asyncSloppy(1), await deleter('orig'));
        return 'done';
      };
    `,
  },
  {
    name: 'objects: tagged templates whose tag is a member read keep their this',
    expect: [/_asyncrace\.kp\(/],
    code: src`
      let counter = { n: 0, tag(strings, ...values) { this.n++; return [this === counter, strings.raw.join('|'), values, this.n]; } };
      const holder = { get inner() { log.push('get inner'); return counter; } };
      async function viaMember() { const r = counter.tag${'`'}a${'${'}counter.n}b${'`'}; await null; counter.tag = counter.tag; counter.n = r[3] + 1; return r; }
      async function viaChain() { const t = holder.inner.tag${'`'}x${'`'}; await null; holder.inner.n = t[3] * 10; return t; }
      async function viaComputed(k) { const t = counter[k]${'`'}y${'`'}; await null; counter[k] = counter[k]; return t; }
      async function stale() { const r = counter.tag${'`'}z${'`'}; await null; counter.tag = function (s) { return [this === counter, r[3]]; }; return counter.tag${'`'}w${'`'}; }
      exports.run = async function run(log) {
        log.push(await viaMember(), await viaChain(), await viaComputed('tag'), await stale());
        counter = { n: 100, tag: counter.tag };
        log.push(await viaMember());
        return counter.n;
      };
    `,
  },
  {
    name: 'objects: chained assignments and assignments whose value is used',
    expect: [/_asyncrace\.kp\(/],
    code: src`
      const a = {}, b = { y: 1 };
      const o = { x: 0, list: [] };
      const f = (...args) => args;
      async function v(x) { await null; return x; }
      async function bump() { return o.x += await v(1); }
      async function direct() { return (o.x = o.x + await v(10)); }
      exports.run = async function run(log) {
        a.x = b.y = await v('chained');
        log.push(a, b);
        a.x = b.y += await v('+');
        log.push(a, b, f(o.x = 1), f(o.x++, ++o.x, o.x--), f(delete o.nope, o.x ||= 'no', o.x &&= 'yes'));
        log.push(await bump(), await bump(), await direct(), o.x);
        log.push((o.list[o.list.length] = 'pushed'), o.list, [o.y = 1, o.z = 2], o.w = o.y + o.z);
        const r = (a.p = (b.q = 1) + (a.q = 2));
        log.push(r, a, b, ${'`'}${'${'}o.t = 'in template'}${'`'}, { k: (o.u = 'in object') }, o.s ??= 's', typeof (o.v = () => 1), o.v.name);
        return o;
      };
    `,
  },
  {
    name: 'objects: for (o.x of list), for (o[k] in obj) and [o.x, o.y] = pair destructure into members',
    expect: [/_asyncrace\.wp\(/],
    code: src`
      const o = { x: 0, y: 0, log: [] };
      const traced = new Proxy({}, { set(t, k, v) { log.push('set ' + String(k) + '=' + v); t[k] = v; return true; } });
      let k = 'key';
      async function loops() {
        for (o.x of [1, 2, 3]) { o.log.push(o.x); await null; }
        for (o[k] in { a: 1, b: 2 }) o.log.push(o[k]);
        for await (o.y of [Promise.resolve('p'), 'q']) o.log.push(o.y);
        for (traced.item of ['t1', 't2']);
        [o.x, o.y] = await Promise.resolve([o.y, o.x]);
        ({ a: o.x, b: o.y = 'default', ...o.rest } = { a: 'A', c: 'C', d: 'D' });
        [traced.first, , traced.third = 'd3', ...traced.rest] = [1, 2, undefined, 4, 5];
        ({ deep: { v: o.deep } } = { deep: { v: 'deep' } });
        return [o, traced];
      }
      exports.run = async function run(log) {
        log.push(await loops());
        try { [o.x, o.y] = null; } catch (e) { log.push(e.constructor.name, e.message); }
        try { for (o.x of 5); } catch (e) { log.push(e.constructor.name, e.message); }
        return o;
      };
    `,
  },


  {
    name: 'objects: exceptions inside getters used as stamped reads (same error, same point)',
    expect: [/_asyncrace\.lp\(/, /_asyncrace\.le\(/],
    code: src`
      let fail = true;
      const o = { get p() { log.push('get p'); if (fail) throw new TypeError('getter failed'); return 1; }, set p(v) { log.push('set p ' + v); } };
      let holder = { get o() { log.push('get o'); if (fail) throw new RangeError('holder getter failed'); return o; } }; /*@throw*/
      class FailingMap extends Map { get(k) { log.push('FailingMap.get ' + k); if (fail) throw new Error('get failed'); return super.get(k); } }
      const m = new FailingMap([['k', 1]]);
      async function viaLocal() { const v = o.p; await null; o.p = v + 1; }
      async function viaChain() { const v = holder.o.p; await null; holder.o.p = v + 1; }
      async function viaGuard() { if (o.p) { await null; o.p = 0; } }
      async function viaEntry() { const v = m.get('k'); await null; m.set('k', v + 1); }
      async function compound() { o.p += await 1; }
      exports.run = async function run(log) {
        for (const f of [viaLocal, viaChain, viaGuard, viaEntry, compound]) {
          try { await f(); log.push(f.name + ' ok'); } catch (e) { log.push(f.name, e.constructor.name, e.message); }
        }
        fail = false;
        for (const f of [viaLocal, viaChain, viaGuard, viaEntry, compound]) await f();
        fail = true;
        holder = holder;
        await viaChain();
      };
    `,
  },
  {
    name: 'objects: V8 error messages quoting the source of member reads and entry calls are unchanged',
    expect: [/_asyncrace\.lp\(_asyncrace\.g\(state, "a"\), "x"\)/, /_asyncrace\.we\(/],
    outcome: [/state\.a\.x\.y is not a function/, /holder\.items\.add is not a function/, /Cannot destructure property 'p' of 'state\.a\.x\.q'/],
    code: src`
      const state = { a: { x: {} }, list: null };
      let holder = { cache: {}, items: 5 };
      let loose = { x: {} };
      async function callChain() { const r = state.a.x.y(); await null; state.a.x = r; }
      async function callOnThis() { const r = this.x.y(); await null; this.x = r; }
      async function callLoose() { const r = loose.x.y(); await null; loose.x = r; }
      async function entryWrite() { holder.cache.set('k', 1); }
      async function entryRead() { const r = holder.cache.get('k'); await null; holder.cache.set('k', r); }
      async function entryAdd() { holder.items.add(1); }
      async function iterate() { for (const v of state.a.x) { await null; state.a.x = v; } }
      async function destructure() { const { p } = state.a.x.q; await null; state.a.x.q = p; }
      async function destructureLater() { const one = 1, { p } = state.a.x.q; await null; state.a.x.q = p + one; }
      async function construct() { const r = new state.a.x.C(); await null; state.a.x.C = r; }
      async function spread() { const r = [...state.a.nope]; await null; state.a.nope = r; }
      async function spreadArg() { const r = Math.max(...holder.items); await null; holder.items = r; }
      async function tag() { const r = state.a.x.y${'`'}t${'`'}; await null; state.a.x.y = r; }
      async function optionalCall() { const r = state.a.x.y?.z(); await null; state.a.x.y = r; }
      async function undefinedBase() { const r = state.missing.x; await null; state.missing.x = r; }
      async function nullWrite() { state.list.x = await 1; }
      async function readOfUndefined() { const r = loose.nothing.x; await null; loose.nothing.x = r; }
      exports.run = async function run(log) {
        const all = [callChain, callOnThis, callLoose, entryWrite, entryRead, entryAdd, iterate, destructure, destructureLater, construct,
          spread, spreadArg, tag, optionalCall, undefinedBase, nullWrite, readOfUndefined];
        for (const fn of all) {
          try { await fn.call({ x: {} }); log.push(fn.name + ' ok'); } catch (e) { log.push(fn.name, e.constructor.name, e.message); }
        }
        holder = holder; loose = loose;
        state.a.x.y(); /*@throw*/
      };
    `,
  },
  {
    name: 'objects: concurrent tasks updating properties and Map entries: same final state and event order',
    expect: [/_asyncrace\.kp\(/, /_asyncrace\.ke\(/],
    outcome: [/"a wrote 90"/],
    code: src`
      const account = { balance: 100, ops: 0 };
      const stock = new Map([['apple', 10], ['pear', 5]]);
      const seen = new Set();
      async function tick(n) { for (let i = 0; i < n; i++) await null; }
      async function withdraw(name, amount, delay) {
        log.push(name + ' start');
        const seenBalance = account.balance;
        await tick(delay);
        account.balance = seenBalance - amount;
        account.ops++;
        log.push(name + ' wrote ' + account.balance);
      }
      async function take(name, item, n, delay) {
        const have = stock.get(item);
        if (have >= n) { await tick(delay); stock.set(item, have - n); log.push(name + ' took ' + n + ' ' + item); }
        if (!seen.has(name)) { await tick(1); seen.add(name); }
        return stock.get(item);
      }
      async function atomic(name) { account.balance -= 1; await null; account.balance += await Promise.resolve(0); log.push(name + ' atomic ' + account.balance); }
      exports.run = async function run(log) {
        await Promise.all([withdraw('a', 10, 2), withdraw('b', 20, 0), withdraw('c', 30, 1), atomic('d')]);
        log.push(await Promise.all([take('x', 'apple', 3, 1), take('y', 'apple', 4, 0), take('z', 'pear', 5, 2), take('x', 'pear', 1, 0)]));
        const counters = {};
        await Promise.all(['p', 'q', 'p', 'r', 'q', 'p'].map(async (k, i) => { counters[k] = (counters[k] ?? 0) + await Promise.resolve(i); log.push(k + i); }));
        return [account, [...stock], [...seen], counters];
      };
    `,
  },


  {
    name: 'objects: temporaries stay out of sight (anonymous functions as keys keep no name, parameter defaults in strict mode)',
    expect: [/_asyncrace\.we\(/, /\(0, \(\) => \{\}\)/],
    code: src`
      "use strict";
      let m = new Map(), s = new Set(), o = {};
      const holder = { m, o };
      function defaults(a = holder.m.set('d', 1), b = (holder.o.x = 2), c = holder.o.x++, d = (holder.o[a.size] = 3)) { return [a.size, b, c, d]; }
      const arrow = (a = (holder.o.y = function () {}), b = holder.m.delete('d')) => [a.name, b];
      exports.run = async function run(log) {
        m.set(() => {}, 1); s.add(function () {}); s.add(class {}); s.add(async () => {}); m.delete(function* () {});
        o[function () {}] = 'key'; (() => {}).prop = 1; holder.o[class {}] = 'class key';
        m.set(function named() {}, 2); s.add(class Named {});
        // A key made from a function is its source text, printed without spaces on an instrumented line.
        log.push([...m.keys()].map((f) => f.name), [...s].map((f) => f.name), Object.keys(o).map((k) => k.replace(/ /g, '')));
        log.push(defaults(), arrow(), Object.keys(globalThis).filter((k) => /^_/.test(k)));
        const before = m.get('k');
        await null;
        m.set('k', before); m = m; s = s; o = o;
        return [m.size, s.size];
      };
    `,
  },
  {
    name: 'objects: TDZ and typeof around member reads and entry writes',
    expect: [/_asyncrace\.kp\(/],
    code: src`
      function early() { return box.n; }
      function earlyWrite() { box.n = 1; }
      function earlyEntry() { cache.set('k', 1); }
      for (const f of [early, earlyWrite, earlyEntry]) {
        try { f(); } catch (e) { log.push(f.name, e.constructor.name, e.message); }
      }
      let box = { n: 0 };
      const cache = new Map();
      exports.run = async function run(log) {
        async function inner() {
          try { local.n = 1; } catch (e) { log.push('local', e.constructor.name, e.message); }
          try { local.n += await 1; } catch (e) { log.push('local await', e.constructor.name, e.message); }
          try { const v = later.get('k'); await null; later.set('k', v); } catch (e) { log.push('later', e.constructor.name, e.message); }
          let local = { n: 0 };
          const later = new Map();
          const v = local.n; await null; local.n = v + 1;
          return local;
        }
        log.push(await inner(), early());
        log.push(typeof notDeclared, typeof box.missing, typeof cache.get('none'), typeof box.n);
        try { log.push(typeof notDeclared.x); } catch (e) { log.push(e.constructor.name, e.message); }
        try { notDeclared.x = await 1; } catch (e) { log.push(e.constructor.name, e.message); }
        try { notDeclaredMap.set('k', 1); } catch (e) { log.push(e.constructor.name, e.message); }
        if (typeof box.n === 'number') { await null; box.n = typeof box.n; }
        box = box;
        return box;
      };
    `,
  },
  {
    name: 'objects: in, #x in o, labelled break/continue and switch around member writes',
    expect: [/_asyncrace\.kp\(/],
    code: src`
      class Tagged { #tag = 't'; static is(o) { return #tag in o; } }
      const grid = { cells: {}, visits: 0 };
      async function walk(n) {
        outer: for (let i = 0; i < n; i++) {
          inner: for (let j = 0; j < n; j++) {
            const key = i + ',' + j;
            if (j > i) continue outer;
            if (key in grid.cells) { grid.visits++; continue inner; }
            if (i === 3) break outer;
            const before = grid.visits;
            await null;
            grid.cells[key] = before;
            grid.visits = before + 1;
            switch (j) { case 1: grid.cells[key] += 'one'; break; case 2: continue outer; default: grid.cells[key] += '!'; }
          }
        }
        block: { if (!('done' in grid)) break block; grid.neverHere = true; }
        grid.done = Tagged.is(new Tagged()) && !Tagged.is(grid);
        return grid.visits;
      }
      exports.run = async function run(log) {
        log.push(await walk(4), await walk(4), await Promise.all([walk(3), walk(2)]));
        return grid;
      };
    `,
  },
  {
    name: 'objects: generators and async generators writing members with yield in keys and values',
    expect: [/_asyncrace\.wp\(/, /yield _asyncrace\.a\(/],
    code: src`
      const o = { n: 0 };
      function* sync() { o[yield 'key?'] = yield 'value?'; o.n += yield 'add?'; const m = new Map(); m.set(yield 'mkey?', yield 'mval?'); return [o, [...m]]; }
      async function* asyncGen() {
        const before = o.n;
        const got = yield before;
        o.n = before + got;
        o[yield 'key?'] ??= await Promise.resolve(yield 'default?');
        try { o.fail = yield 'throw me'; } catch (e) { o.caught = e.message; }
        return o;
      }
      exports.run = async function run(log) {
        const it = sync();
        log.push(it.next(), it.next('k'), it.next('v'), it.next(5), it.next('mk'), it.next('mv'));
        const a = asyncGen();
        log.push(await a.next(), await a.next(10), await a.next('fresh'), await a.next('dflt'), await a.throw(new Error('thrown')), await a.next());
        const b = asyncGen();
        const c = asyncGen();
        log.push(await b.next(), await c.next(), await b.next(1), await c.next(2), o.n);
        return o;
      };
    `,
  },
  {
    name: 'objects: this in sloppy-mode functions (the global object) and strict ones (undefined)',
    expect: [/_asyncrace\.wp\(this, "asyncraceSloppyProbe"/],
    code: src`
      function sloppy() { this.asyncraceSloppyProbe = (this.asyncraceSloppyProbe ?? 0) + 1; return this === globalThis; }
      function strict() { 'use strict'; this.x = 1; }
      async function sloppyAsync() { const v = this.asyncraceSloppyProbe; await null; this.asyncraceSloppyProbe = v * 10; return typeof this; }
      const method = { count: 0, bump() { this.count++; return this.count; } };
      exports.run = async function run(log) {
        try {
          log.push(sloppy(), sloppy.call(7), globalThis.asyncraceSloppyProbe, await sloppyAsync(), globalThis.asyncraceSloppyProbe);
          try { strict(); } catch (e) { log.push(e.constructor.name, e.message); }
          const bump = method.bump;
          log.push(method.bump(), bump(), method.count, Number.isNaN(globalThis.count));
          log.push(sloppy.call('str'), typeof sloppy.call(null));
        } finally {
          delete globalThis.asyncraceSloppyProbe; delete globalThis.count;
        }
        return Object.keys(globalThis).includes('asyncraceSloppyProbe');
      };
    `,
  },
  {
    name: 'objects: functions using eval or with are left alone around member and entry writes (sloppy)',
    expect: [/function withWrites\(o\) \{with \(o\) \{box\.n = n \+ 1;cache\.set\('w', n\);\}/],
    code: src`
      const box = { n: 1 };
      const cache = new Map();
      function withWrites(o) { with (o) { box.n = n + 1; cache.set('w', n); } return box.n; }
      async function evalWrites(code) { const v = box.n; await null; eval(code); box.n = v + 1; cache.set('e', box.n); return box.n; }
      async function tracked() { const v = box.n; await null; box.n = v * 2; return v; }
      exports.run = async function run(log) {
        log.push(withWrites({ n: 5 }), withWrites({ n: 7, box: { n: 'shadow' } }), box.n);
        log.push(await evalWrites('box.n += 100; var box = { n: -1 }'), box.n);
        log.push(await evalWrites('cache.set("inside", 1)'), await tracked(), [...cache]);
        return box;
      };
    `,
  },


  {
    name: 'V8 error messages quoting a stamped variable in later declarators, spread arguments and pattern assignments',
    expect: [/_asyncrace\.k\(_arc_shared/],
    outcome: [/shared is not iterable \(cannot read property null\)/],
    code: src`
      let shared = null;
      async function later() { const one = 1, { p } = shared; await null; shared = p + one; }
      async function spreadArg() { const r = Math.max(...shared); await null; shared = r; }
      async function spreadLater() { const r = [0, ...shared]; await null; shared = r; }
      async function assignExpr() { let a; const r = ([a] = shared); await null; shared = a; }
      async function* delegate() { const r = yield* shared; shared = r; }
      exports.run = async function run(log) {
        for (const f of [later, spreadArg, spreadLater, assignExpr]) {
          try { await f(); } catch (e) { log.push(f.name, e.constructor.name, e.message); }
        }
        try { for await (const v of delegate()) log.push(v); } catch (e) { log.push(e.message); }
        shared = 5;
        for (const f of [later, spreadArg, spreadLater, assignExpr]) {
          try { await f(); } catch (e) { log.push(f.name, e.constructor.name, e.message); }
        }
      };
    `,
  },

  // Cross-function flows: returns, arguments and call results hand reads on (h, pa, tr, tw, tp, s).
  {
    name: 'flows: handed arguments evaluated once and in order (getters, counters, method calls keep this, optional calls)',
    expect: [/_asyncrace\.pa\(/, /_asyncrace\.tp\(0, x\)/, /_f\d*=_asyncrace\.tr\(_r\d*\)/],
    code: src`
      let shared = 1;
      let counter = 0;
      const box = { get b() { log.push('get b, shared=' + shared); return shared * 10; }, plain: 2 };
      function c() { counter++; log.push('c ' + counter); return counter + shared; }
      function take(x, y, z) { log.push(['take', x, y, z, arguments.length, typeof this]); shared = x + y; return shared; }
      const o = {
        name: 'o',
        m(x, y) { log.push(['m this=' + (this && this.name), x, y, arguments.length]); shared = shared + x; return [this && this.name, x, y]; },
        inner: { name: 'inner', m(x) { log.push('inner.m this=' + this.name); return x + shared; } },
      };
      function caller() {
        const r1 = take(box.b, c(), shared);
        const r2 = o.m(box.b, c());
        const r3 = o.m?.(shared, c());
        const r4 = o.missing?.(c(), box.b);
        const r5 = o['m'](shared, counter++);
        const r6 = (0, o.m)(box.plain, c());
        const r7 = take(box.b, take(c(), box.b), c());
        const r8 = o.inner.m(o.inner.m(shared));
        const r9 = o?.inner.m(c());
        return [r1, r2, r3, r4, r5, r6, r7, r8, r9, counter, shared];
      }
      exports.run = async function run(log) {
        log.push(caller());
        shared = 5;
        await null;
        log.push(caller());
        return [shared, counter];
      };
    `,
  },
  {
    name: 'flows: calls in new, tagged templates and spreads around handed arguments',
    expect: [/_asyncrace\.pa\(/, /_asyncrace\.h\(/],
    code: src`
      let shared = 3;
      let n = 0;
      function next() { n++; log.push('next ' + n); return n * shared; }
      function sum(...xs) { log.push(['sum', xs.length, ...xs]); shared = xs.reduce((a, b) => a + b, 0); return shared; }
      function pair(a, b, ...rest) { log.push(['pair', a, b, rest, arguments.length]); shared = a + b; return [a, b, rest.length]; }
      class Point { constructor(x, y) { log.push('Point ' + x + ',' + y); this.x = x; this.y = y; shared += x; } }
      function tag(strings, ...values) { log.push(['tag', strings.raw.join('|'), values, Object.isFrozen(strings)]); return strings; }
      const seen = [];
      function caller(list) {
        const p = new Point(next(), shared);
        const t1 = tag${'`'}a${'${'}next()}b${'${'}shared}c${'`'};
        seen.push(t1);
        const s1 = sum(shared, ...list, next());
        const s2 = sum(...list, shared, next());
        const s3 = pair(next(), ...[shared, next()], shared);
        const s4 = pair(...list);
        const s5 = sum(shared, next(), ...[]);
        return [p, s1, s2, s3, s4, s5, shared];
      }
      exports.run = async function run(log) {
        log.push(caller([1, 2]));
        await null;
        log.push(caller([]), seen.length, seen[0] === seen[1]);
        return shared;
      };
    `,
  },
  {
    name: 'flows: callees with default parameters, arguments objects and fn.length receiving handed arguments',
    expect: [/_asyncrace\.pa\(/, /_asyncrace\.tp\(1, b\)/],
    code: src`
      let shared = 2;
      let defaults = 0;
      const dflt = (tag) => (defaults++, log.push('default ' + tag), 100 + defaults);
      function withDefaults(a, b = dflt('b'), c = b + shared) {
        log.push(['withDefaults', a, b, c, arguments.length, arguments[1], arguments[2]]);
        shared = a + b;
        return c;
      }
      function sloppyMapped(a, b) {
        arguments[0] = 'changed';
        b = 'b changed';
        log.push(['sloppyMapped', a, arguments[1], arguments.length]);
        shared = shared + 1;
        return [a, b];
      }
      function strictUnmapped(a, b) {
        'use strict';
        arguments[0] = 'changed';
        log.push(['strictUnmapped', a, arguments[0], arguments.length]);
        shared = a;
        return a;
      }
      function restOnly(...args) { shared = args.length; return args; }
      function caller() {
        const r = [
          withDefaults(shared),
          withDefaults(shared, undefined),
          withDefaults(shared, shared + 1),
          withDefaults(shared, shared, undefined, shared),
          sloppyMapped(shared, shared * 2),
          sloppyMapped(shared),
          strictUnmapped(shared, shared),
          restOnly(shared, shared),
        ];
        return [r, shared, defaults];
      }
      exports.run = async function run(log) {
        log.push(withDefaults.length, sloppyMapped.length, strictUnmapped.length, restOnly.length, caller.length);
        log.push(withDefaults.name, caller());
        await null;
        log.push(caller());
        return shared;
      };
    `,
  },
  {
    name: 'flows: callees that throw while taking or handing on flows: same exception, same point',
    expect: [/_asyncrace\.pa\(/, /_asyncrace\.h\(/],
    code: src`
      let shared = 1;
      const store = { v: 1 };
      function thrower(x) {
        shared = x + 1;
        if (x > 2) throw new RangeError('too big ' + x); /*@throw*/
        return shared;
      }
      function throwsInReturn(x) { shared = x; return store.v + x.missing.deep; }
      function getterThrows() { return { get v() { throw new TypeError('getter ' + shared); } }; }
      function caller(v) {
        log.push('before');
        const a = thrower(shared + v);
        log.push('between', a);
        const b = thrower(thrower(v) + shared);
        log.push('after', b);
        return a + b;
      }
      exports.run = async function run(log) {
        for (const v of [0, 1, 5]) {
          try { log.push(caller(v)); } catch (e) { log.push(e.constructor.name, e.message, shared); }
        }
        try { throwsInReturn({}); } catch (e) { log.push(e.constructor.name, e.message); }
        try { store.v = getterThrows().v; } catch (e) { log.push(e.constructor.name, e.message); }
        shared = 4;
        await null;
        return thrower(shared);
      };
    `,
  },
  {
    name: 'flows: recursion, functions returning functions, getter results and promises',
    expect: [/_asyncrace\.h\(/, /_asyncrace\.tp\(0, n\)/],
    code: src`
      let shared = 0;
      const state = { count: 1, get doubled() { log.push('get doubled'); return this.count * 2; } };
      function fact(n) { shared = n; return n <= 1 ? 1 : n * fact(n - 1); }
      function fib(n) { shared++; return n < 2 ? n : fib(n - 1) + fib(n - 2); }
      function makeReader() { log.push('makeReader'); return () => shared; }
      function makeAdder(k) { return function adder(x) { shared = x + k; return shared; }; }
      function readGetter() { return state.doubled; }
      function promised() { return Promise.resolve(shared); }
      function thenable() { return { then(res) { log.push('then called'); res(shared * 100); } }; }
      exports.run = async function run(log) {
        log.push(fact(5), shared, fib(7), shared);
        const reader = makeReader();
        shared = 42;
        log.push(reader(), makeReader()(), makeAdder(1)(shared), makeAdder.length, makeAdder(2).name);
        log.push(readGetter(), (state.count = readGetter()), readGetter());
        const p = promised();
        shared = -1;
        log.push(p instanceof Promise, await p, await promised(), await thenable());
        return [shared, state.count];
      };
    `,
  },
  {
    name: 'flows: async callees returning without awaiting, after awaits, and sync results awaited',
    expect: [/_asyncrace\.h\(.*,_t\d*\)/, /_asyncrace\.tw\(/],
    code: src`
      let shared = 10;
      const cache = new Map([['k', 1]]);
      async function immediate() { return shared; }
      async function later() { const v = shared; await null; log.push('later resumed, shared=' + shared); return v + shared; }
      async function entry(k) { await null; return cache.get(k); }
      function sync() { return shared * 2; }
      function syncPromise() { return immediate(); }
      async function caller(tag) {
        const a = await immediate();
        const b = await later();
        const c = await sync();
        const d = await syncPromise();
        const e = await entry('k');
        shared = a + b + c + d;
        cache.set('k', e + 1);
        log.push(tag, a, b, c, d, e);
        return shared;
      }
      exports.run = async function run(log) {
        const p1 = caller('one');
        const p2 = caller('two');
        shared = 1;
        log.push(await p1, await p2, [...cache]);
        const order = [];
        const q = immediate().then((v) => order.push('then ' + v));
        await null;
        order.push('after one tick');
        await q;
        log.push(order);
        return shared;
      };
    `,
  },
  {
    name: 'flows: return inside try/finally, finally overriding the return, arrow expression bodies',
    expect: [/_asyncrace\.h\(/],
    code: src`
      let shared = 1;
      const obj = { v: 5 };
      function finallyOverrides() {
        try { return shared; } finally { shared = 2; log.push('finally, shared=' + shared); return shared * 10; }
      }
      function finallyKeeps() {
        try { return shared; } finally { shared = 3; log.push('finally keeps'); }
      }
      function finallyThrows() {
        try { return shared; } finally { shared = 4; if (shared === 4) throw new Error('from finally ' + shared); }
      }
      async function asyncFinally() {
        try { await null; return shared; } finally { shared = 5; await null; log.push('async finally ' + shared); }
      }
      const read = () => shared;
      const readProp = () => obj.v;
      const readSeq = () => (log.push('seq'), shared);
      const readCall = () => finallyKeeps();
      const asyncArrow = async () => shared + obj.v;
      exports.run = async function run(log) {
        log.push(finallyOverrides(), shared, finallyKeeps(), shared);
        try { finallyThrows(); } catch (e) { log.push(e.message, shared); }
        log.push(await asyncFinally(), shared);
        shared = 7;
        log.push(read(), readProp(), readSeq(), readCall(), await asyncArrow(), read.name, readProp.length);
        obj.v = read() + readProp();
        return [shared, obj.v];
      };
    `,
  },
  {
    name: 'flows: generators (not handing returns) and async generators returning values',
    expect: [/_asyncrace\.pa\(/],
    code: src`
      let shared = 1;
      function take(v) { shared = v; return v; }
      function* gen() { const a = yield shared; take(a); return shared + a; }
      async function* agen() { const a = yield shared; await null; take(a + shared); return shared * 2; }
      exports.run = async function run(log) {
        const g = gen();
        log.push(g.next(), g.next(5), g.next(), shared);
        const a = agen();
        log.push(await a.next(), await a.next(3), await a.next(), shared);
        const results = [];
        for await (const v of agen()) results.push(v);
        log.push(results, [...gen()], shared);
        return shared;
      };
    `,
  },
  {
    name: 'flows: this in sloppy and strict callbacks of functions that get a task',
    expect: [/_asyncrace\.s\(\)/],
    code: src`
      let shared = 0;
      const thisOf = (v) => (v === globalThis ? 'global' : v === undefined ? 'undefined' : typeof v);
      function sloppy(x) { log.push('sloppy this=' + thisOf(this)); shared = x + 1; return shared; }
      function strict(x) { 'use strict'; log.push('strict this=' + thisOf(this)); shared = x + 2; return shared; }
      function each(list) {
        return list.map(function (v) { log.push('map this=' + thisOf(this)); return sloppy(v + shared); })
          .concat(list.map((v) => strict(v + shared)))
          .concat(list.map(function (v) { return this.k + shared + v; }, { k: 100 }));
      }
      exports.run = async function run(log) {
        log.push(each([1, 2]));
        await null;
        log.push(sloppy.call(7, shared), strict.call(7, shared), sloppy.call(null, shared), strict.call(null, shared));
        return shared;
      };
    `,
  },
  {
    name: 'flows: deep nesting f(g(h(x))) and call/apply/bind on instrumented functions with handed arguments',
    expect: [/_asyncrace\.pa\(/, /_asyncrace\.tp\(/],
    code: src`
      let shared = 1;
      let calls = [];
      function f(x) { calls.push('f' + x); shared = x + 1; return shared; }
      function g(x) { calls.push('g' + x); return x * 2 + shared; }
      function h(x) { calls.push('h' + x); return x - shared; }
      const o = { base: 1000, add(a, b) { calls.push('add this.base=' + (this && this.base)); shared = a + b; return this ? this.base + a + b : a + b; } };
      function caller() {
        const deep = f(g(h(shared)));
        const deeper = f(g(h(f(g(h(shared + deep))))));
        const viaCall = o.add.call({ base: 1 }, shared, f(shared));
        const viaApply = o.add.apply(o, [shared, g(shared)]);
        const viaApply2 = f.apply(null, [h(shared)]);
        const bound = o.add.bind({ base: 2 }, shared);
        const viaBind = bound(g(shared));
        const viaCallNull = o.add.call(undefined, shared, shared);
        const viaReflect = Reflect.apply(f, null, [shared]);
        return [deep, deeper, viaCall, viaApply, viaApply2, viaBind, viaCallNull, viaReflect, bound.name, bound.length];
      }
      exports.run = async function run(log) {
        log.push(caller(), calls);
        calls = [];
        await null;
        log.push(caller(), calls, shared);
        return shared;
      };
    `,
  },
  {
    name: 'flows: lines of errors thrown inside handed arguments spanning several lines, at() inside them',
    // The array literal is no value a read is handed on with; the last argument is handed.
    expect: [/_asyncrace\.pa\(\s*mode===1\?/],
    outcome: [/notAFunction is not defined/],
    code: src`
      let shared = 1;
      function take(a, b, c) { shared = a; return [a, b, c]; }
      function c() { return shared; }
      function caller(mode) {
        return take(
          shared,
          [at(), c()],
          mode === 1 ? missingName.prop :
            mode === 2 ? notAFunction() : /*@throw*/
              c(),
        );
      }
      exports.run = async function run(log) {
        log.push(caller(0));
        try { caller(1); } catch (e) { log.push(e.constructor.name, e.message, e.stack.split('\n')[1].includes(':8:')); }
        await null;
        log.push(caller(0));
        caller(2);
      };
    `,
  },
  {
    name: 'flows: returned classes whose fields and static blocks call program functions with handed arguments',
    expect: [/static s =\(_r\d*=take\(_asyncrace\.pa\(/, /return _asyncrace\.h\(C,/],
    code: src`
      let shared = 1;
      function take(v) { shared = v + 1; return shared; }
      function make() {
        return class {
          static s = take(shared);
          static { this.t = take(take(shared)); }
          f = take(take(shared));
          [take(shared)] = 'key';
        };
      }
      async function amake() {
        const C = class Named { g = take(shared); static h = take(take(shared)); };
        await null;
        shared = new C().g + C.h;
        return C;
      }
      exports.run = async function run(log) {
        const C = make();
        log.push(C.s, C.t, new C(), shared);
        const D = await amake();
        log.push(D.h, new D(), shared);
        return shared;
      };
    `,
  },
  {
    name: 'flows: call results taken in for/while/do heads, switch, catch, labelled loops and conditions',
    expect: [/for \(let i =\(_r\d*=next\(_asyncrace\.pa\(/, /while\(check\(_asyncrace\.pa\(\(_r\d*=next/],
    code: src`
      let shared = 0;
      function next(v) { shared = v + 1; return shared; }
      function check(v) { return v < 3; }
      function heads() {
        let acc = [];
        for (let i = next(shared); check(i); i = next(i)) acc.push(i);
        switch (next(shared)) { case next(0): acc.push('one'); break; default: acc.push('dflt'); }
        outer: while (check(next(shared))) { acc.push(shared); if (next(shared) > 2) break outer; }
        try { throw next(shared); } catch (e) { acc.push(next(e)); }
        do { acc.push(shared); } while (check(next(shared)));
        if (check(next(0))) shared = next(shared);
        const { length } = acc;
        return [acc, length, next.length];
      }
      exports.run = async function run(log) {
        log.push(heads());
        shared = 0;
        await null;
        log.push(heads());
        return shared;
      };
    `,
  },
  {
    name: 'flows: arguments forwarded with apply and spread, new.target, a sloppy parameter named arguments',
    expect: [/_asyncrace\.tp\(/],
    code: src`
      let shared = 0;
      function take(a, b) { shared = a + (b ?? 0); return [a, b, arguments.length, new.target === undefined]; }
      function fwd() { return take.apply(null, arguments); }
      function fwdSpread() { return take(...arguments); }
      function Ctor(a) { if (!new.target) return new Ctor(a); this.v = take(a, shared); shared = a; }
      function weird(arguments) { shared = arguments + 1; return shared; }
      function caller() {
        return [fwd(shared, 1), fwdSpread(shared, 2), new take(shared), Ctor(shared), new Ctor(shared), weird(shared)];
      }
      exports.run = async function run(log) {
        log.push(caller());
        await null;
        log.push(caller());
        return shared;
      };
    `,
  },

  // super.x reads located from the class holding the method (ls).
  {
    name: 'super reads: instance and static methods, static blocks and field arrows feeding writes after awaits',
    expect: [/_asyncrace\.ls\(Derived, false, this, "count"\)/, /_asyncrace\.ls\(Derived, true, this, "total"\)/],
    code: src`
      class Base {
        static total = 1;
        static label = 'base';
      }
      Base.prototype.count = 10;
      Base.prototype.tag = 'proto';
      class Derived extends Base {
        static seen = [];
        static {
          const run = async () => { const t = super.total; await null; super.total = t + 1; Derived.seen.push('block ' + super.total); };
          this.pending = run();
        }
        bump = async () => { const c = super.count; await null; super.count = c + 1; return [c, this.count, super.count]; };
        async inc() { const c = super.count; await null; super.count = c + 100; return [c, this.count, super.count, Object.keys(this)]; }
        static async grow() { const t = super.total; await null; super.total = t * 2; return [t, this.total, super.total, Base.total]; }
        async tagged() { const t = super.tag; await null; super.tag = t + '!'; return [t, super.tag, Object.getPrototypeOf(Derived.prototype).tag]; }
      }
      exports.run = async function run(log) {
        await Derived.pending;
        const a = new Derived();
        const b = new Derived();
        log.push(Derived.seen, await a.bump(), await a.inc(), await Promise.all([b.inc(), b.bump()]));
        log.push(await Derived.grow(), await Promise.all([Derived.grow(), Derived.grow()]), await a.tagged());
        return [a, b, Base.total, Derived.total, Base.prototype.count];
      };
    `,
  },
  {
    name: 'super reads: getters and setters on the base called the same number of times',
    expect: [/_asyncrace\.ls\(Derived, false, this, "value"\)/, /_asyncrace\.ls\(Derived, true, this, "shared"\)/],
    code: src`
      let gets = 0, sets = 0;
      class Base {
        get value() { gets++; log.push('get value, this._v=' + this._v); return this._v ?? 0; }
        set value(v) { sets++; log.push('set value ' + v); this._v = v; }
        static get shared() { gets++; log.push('static get, this=' + this.name); return this._s ?? 1; }
        static set shared(v) { sets++; log.push('static set ' + v + ' on ' + this.name); this._s = v; }
      }
      class Derived extends Base {
        async add(n) { const v = super.value; await null; super.value = v + n; return super.value; }
        async addTwice(n) { super.value += await n; super.value = super.value + n; return [gets, sets]; }
        static async scale(n) { const s = super.shared; await null; super.shared = s * n; return super.shared; }
      }
      exports.run = async function run(log) {
        const d = new Derived();
        log.push(await d.add(1), await Promise.all([d.add(2), d.add(3)]), await d.addTwice(4), gets, sets);
        log.push(await Derived.scale(3), await Derived.scale(2), Object.keys(Derived), gets, sets);
        return [d, gets, sets];
      };
    `,
  },
  {
    name: 'super reads: a base prototype that is a Proxy (trap calls identical)',
    outcome: [/"get x","set x"/],
    expect: [/_asyncrace\.ls\(Derived, false, this, "x"\)/, /_asyncrace\.ls\(Static, true, this, "y"\)/],
    code: src`
      const traps = [];
      const handler = {
        get(target, key, receiver) { traps.push('get ' + String(key)); return Reflect.get(target, key, receiver); },
        set(target, key, value, receiver) { traps.push('set ' + String(key)); return Reflect.set(target, key, value, receiver); },
        has(target, key) { traps.push('has ' + String(key)); return Reflect.has(target, key); },
        getOwnPropertyDescriptor(target, key) { traps.push('gopd ' + String(key)); return Reflect.getOwnPropertyDescriptor(target, key); },
        defineProperty(target, key, desc) { traps.push('define ' + String(key)); return Reflect.defineProperty(target, key, desc); },
        getPrototypeOf(target) { traps.push('getPrototypeOf'); return Reflect.getPrototypeOf(target); },
      };
      class Base {}
      Base.prototype.x = 1;
      Base.y = 2;
      class Derived extends Base {
        async bump() { const v = super.x; await null; super.x = v + 1; return [v, super.x, this.x]; }
      }
      Object.setPrototypeOf(Derived.prototype, new Proxy(Base.prototype, handler));
      const ProxyBase = new Proxy(Base, handler);
      class Static extends ProxyBase {
        static async bump() { const v = super.y; await null; super.y = v * 10; return [v, super.y, this.y]; }
      }
      exports.run = async function run(log) {
        const d = new Derived();
        log.push(await d.bump(), await d.bump(), traps.splice(0));
        log.push(await Static.bump(), traps.splice(0), Object.keys(d), Object.keys(Static));
        return [d.x, Base.prototype.x, Static.y, Base.y];
      };
    `,
  },
  {
    name: 'super reads: computed super[key] with key objects converting with side effects',
    outcome: [/"toString 1"/],
    expect: [/_asyncrace\.ls\(Derived, false, this, _o\d*\)/],
    code: src`
      let conversions = 0;
      const key = { toString() { conversions++; log.push('toString ' + conversions); return 'k'; } };
      let dynamic = 'k';
      class Base {}
      Base.prototype.k = 1;
      Base.prototype[Symbol.for('s')] = 's';
      Base.prototype[7] = 'seven';
      const sym = Symbol.for('s');
      const seven = 7;
      class Derived extends Base {
        async viaObject() { const v = super[key]; await null; super[key] = v + 1; return [v, this.k, conversions]; }
        async viaLet() { const v = super[dynamic]; await null; super[dynamic] = v + 1; return [v, this[dynamic]]; }
        async viaCall() { const v = super[(log.push('key expr'), key)]; await null; super.k = v + 10; return v; }
        async viaSymbol() { const v = super[sym]; const n = super[seven]; await null; super[sym] = v + '!'; super[seven] = n + '!'; return [v, n, this[sym], this[7]]; }
      }
      exports.run = async function run(log) {
        const d = new Derived();
        log.push(await d.viaObject(), await d.viaLet(), await d.viaCall(), await d.viaSymbol(), conversions);
        dynamic = key;
        log.push(await d.viaLet(), conversions);
        return [d, conversions];
      };
    `,
  },
  {
    name: 'super reads: a derived constructor reading super.x before super() throws the same ReferenceError',
    expect: [/_asyncrace\.ls\(Derived, false, this, "x"\)/],
    outcome: [/"async","ReferenceError","Must call super constructor/],
    code: src`
      class Base { constructor() { log.push('Base ctor'); } }
      Base.prototype.x = 'base x';
      class Derived extends Base {
        constructor(early) {
          const read = () => super.x; /*@throw*/
          const later = async () => { const v = super.x; await null; super.x = v + '!'; return v; };
          if (early === 'async') later().catch((e) => log.push('async', e.constructor.name, e.message));
          if (early === 'sync') {
            try { read(); } catch (e) { log.push('sync', e.constructor.name, e.message); }
          }
          if (early === 'uncaught') read();
          super();
          this.got = [read(), this.x];
          this.pending = later();
        }
      }
      exports.run = async function run(log) {
        const a = new Derived('async');
        const b = new Derived('sync');
        log.push(a.got, b.got, await a.pending, await b.pending, a.x, b.x);
        await null;
        new Derived('uncaught');
      };
    `,
  },
  {
    name: 'super reads: classes whose name is shadowed inside the method, and reassigned outer bindings',
    expect: [/_asyncrace\.ls\(Kept, false, this, "x"\)/],
    code: src`
      class Base {}
      Base.prototype.x = 1;
      class Shadowed extends Base {
        async m() { const Shadowed = 'inner'; const v = super.x; await null; super.x = v + 1; return [Shadowed, v, this.x]; }
        async p(Shadowed) { const v = super.x; await null; super.x = v + 2; return [Shadowed, v, this.x]; }
      }
      class Kept extends Base {
        async m() { const v = super.x; await null; super.x = v + 10; return [typeof Kept, v, this.x]; }
      }
      const Saved = Kept;
      Kept = null;
      const Expr = class Named extends Base {
        async m() { const v = super.x; await null; super.x = v + 100; return [Named.name, v, this.x]; }
      };
      exports.run = async function run(log) {
        log.push(await new Shadowed().m(), await new Shadowed().p('param'), await new Saved().m(), await new Expr().m(), Kept);
        return Base.prototype.x;
      };
    `,
  },
  {
    name: 'super reads: private methods, accessors returning super.x, super reads handed as arguments',
    expect: [/_asyncrace\.ls\(/, /_asyncrace\.pa\(/],
    code: src`
      let gets = 0;
      class Base { get total() { gets++; return this._total ?? 1; } set total(v) { this._total = v; } }
      Base.prototype.plain = 5;
      function take(v) { return v * 2; }
      class Derived extends Base {
        get total() { return super.total; }
        set total(v) { super.total = v; }
        async #bump() { const t = super.total; await null; super.total = t + take(super.plain); return this.total; }
        bump() { return this.#bump(); }
        static async #s() { const n = super.name; await null; this.label = n; return this.label; }
        static s() { return this.#s(); }
        handed() { return take(super.plain) + take(super.total); }
      }
      exports.run = async function run(log) {
        const d = new Derived();
        log.push(await d.bump(), await Promise.all([d.bump(), d.bump()]), d.handed(), gets, await Derived.s());
        return [d, gets];
      };
    `,
  },
  {
    name: 'super reads: classes extending null and prototypes set to null (same TypeErrors)',
    expect: [/_asyncrace\.ls\(N, false, this, "x"\)/, /_asyncrace\.ls\(D, false, this, "x"\)/],
    outcome: [/Cannot read properties of null/],
    code: src`
      class N extends null {
        async m() { const v = super.x; await null; super.x = v + 1; return v; }
        static async s() { const v = super.call; await null; super.call = 1; return typeof v; }
      }
      class Base {}
      Base.prototype.x = 1;
      class D extends Base {
        async m() { const v = super.x; await null; super.x = v + 1; return v; }
      }
      exports.run = async function run(log) {
        try { await N.prototype.m.call({}); } catch (e) { log.push(e.constructor.name, e.message); }
        log.push(await N.s());
        const d = new D();
        log.push(await d.m());
        Object.setPrototypeOf(D.prototype, null);
        try { await d.m(); } catch (e) { log.push(e.constructor.name, e.message); }
        return D.prototype.m.call(5);
      };
    `,
  },
  {
    name: 'super reads: super.x in a computed field key of a named class made in a method',
    expect: [/_asyncrace\.ls\(\w+, false, this, "k"\)/],
    // The key is evaluated while the class being defined is in its TDZ, in the method's super scope.
    code: src`
      class Base {}
      Base.prototype.k = 'kk';
      class Outer extends Base {
        make() { return class Named { [super.k] = 1; }; }
        async amake() { const C = class Named2 { [super.k] = 2; }; await null; return new C(); }
        async nested() { let name; class Inner { [name = super.k] = 3; } await null; super.k = name + '!'; return [name, new Inner()]; }
      }
      exports.run = async function run(log) {
        const o = new Outer();
        try { log.push(new (o.make())()); } catch (e) { log.push('make', e.constructor.name, e.message); }
        try { log.push(await o.amake()); } catch (e) { log.push('amake', e.constructor.name, e.message); }
        try { log.push(await o.nested(), o.k); } catch (e) { log.push('nested', e.constructor.name, e.message); }
        return Base.prototype.k;
      };
    `,
  },
];
