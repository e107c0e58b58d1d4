'use strict';
// Reference for the design choice: what tracking tasks with async_hooks would cost. Any enabled
// hook with `init`, even an empty one, turns on V8's promise hooks for every promise.
require('node:async_hooks').createHook({ init() {} }).enable();

// Lets the workload confirm that this preload ran.
globalThis[Symbol.for('asyncrace.bench.asyncHooks')] = true;
