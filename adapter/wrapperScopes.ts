/**
 * The scopes of a paused frame as the user's code has them. Load-time instrumentation wraps each
 * traced function's body in `try{…}` after a `const __csp=…,__csc=…;` head
 * (runtime/instrument/snippets.ts), so V8 reports the body's `let`/`const` in a Block scope of
 * their own, and a function that only reads the probes' module variables gets a Closure holding
 * nothing of the user's. An untraced run shows those declarations in Local (or in the enclosing
 * function's Closure) and no such Closure: this folds the wrapper's block into the function scope
 * right after it and leaves out closures of probe variables only.
 */
import type Protocol from 'devtools-protocol';
import type { DebugThread } from './thread';
import { PROBE_NAMES } from './variables';

/** A scope the client sees: one CDP scope, or a function scope with its wrapper block folded in. */
export interface ShownScope {
  type: Protocol.Debugger.Scope['type'];
  /** Scope objects whose variables it lists, in the order an untraced run lists them. */
  objectIds: string[];
}

/** An instrumented script's text and where its lines start; undefined for any other script. */
interface Instrumented {
  source: string;
  lineStarts: number[];
}

const HEADER = '/*cinescope:instrumented v';
/** The end of the wrapper head, just before the `{` of its `try` (the `__csc=…:0;try` of functionHead). */
const WRAPPER_HEAD = /(__cs\d*)c=\1p\.on\[\d+\]\?[^;]*:0;try\s*$/;

export class WrapperScopes {
  private readonly scripts = new WeakMap<DebugThread, Map<string, Promise<Instrumented | undefined>>>();

  /** The frame's scopes, innermost first, without the instrumenter's own. */
  async shown(thread: DebugThread, frame: Protocol.Debugger.CallFrame): Promise<ShownScope[]> {
    const chain = frame.scopeChain;
    const shown: ShownScope[] = [];
    for (let i = 0; i < chain.length; i++) {
      const scope = chain[i];
      const objectId = scope.object.objectId ?? '';
      const next = chain[i + 1];
      const code = scope.startLocation
        ? await this.instrumented(thread, scope.startLocation.scriptId)
        : undefined;
      const wrapper = code && scope.type === 'block' ? wrapperOf(code, scope, next) : 'no';
      if (wrapper === 'with-function' && next) {
        // Parameters and `var`s first, then the body's declarations, as V8 lists an untraced function.
        shown.push({ type: next.type, objectIds: [next.object.objectId ?? '', objectId] });
        i++;
        continue;
      }
      if (wrapper === 'alone') {
        // A closure kept only the wrapper's declarations alive: untraced, they are the function's.
        shown.push({ type: 'closure', objectIds: [objectId] });
        continue;
      }
      if (code && scope.type === 'closure' && (await onlyProbes(thread, objectId))) continue;
      shown.push({ type: scope.type, objectIds: [objectId] });
    }
    return shown;
  }

  private instrumented(thread: DebugThread, scriptId: string): Promise<Instrumented | undefined> {
    let cache = this.scripts.get(thread);
    if (!cache) this.scripts.set(thread, (cache = new Map()));
    let entry = cache.get(scriptId);
    if (!entry) {
      // Only files can be instrumented at load time; Node's own and eval'd scripts are not read.
      entry = thread.scripts.get(scriptId)?.path
        ? thread.cdp.Debugger.getScriptSource({ scriptId }).then(
            ({ scriptSource }) =>
              scriptSource.slice(0, 4096).includes(HEADER) ? index(scriptSource) : undefined,
            () => undefined,
          )
        : Promise.resolve(undefined);
      cache.set(scriptId, entry);
    }
    return entry;
  }
}

function index(source: string): Instrumented {
  const lineStarts = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return { source, lineStarts };
}

/**
 * Whether a block scope is an instrumenter's wrapper, and whether the function scope after it is
 * its function's ('with-function', to fold together) or not shown at all ('alone': that function
 * keeps no variables of its own alive). V8 places the wrapper block at the `{` of the wrapper's
 * `try` in the paused function; for a block kept alive by a closure, at the start of its function
 * (before its parameters). A block the user wrote starts at its own `{` or `for`, inside the function.
 */
function wrapperOf(
  code: Instrumented,
  block: Protocol.Debugger.Scope,
  next: Protocol.Debugger.Scope | undefined,
): 'with-function' | 'alone' | 'no' {
  const start = block.startLocation!;
  const offset = (code.lineStarts[start.lineNumber] ?? Infinity) + (start.columnNumber ?? 0);
  if (!Number.isFinite(offset)) return 'no';
  const functionScope = next?.type === 'local' || next?.type === 'closure';
  if (code.source[offset] === '{') {
    const wrapper = WRAPPER_HEAD.test(code.source.slice(Math.max(0, offset - 400), offset));
    return wrapper && functionScope ? 'with-function' : 'no';
  }
  // At a function's start: its head `(params){const __csp=` or `(params)=>{const __csp=` follows,
  // with no other `{` or `;` before it (destructured parameters are left alone: rare, and safe).
  const ahead = code.source.slice(offset, offset + 1000);
  if (!FUNCTION_START.test(ahead)) return 'no';
  const sameStart =
    next?.startLocation?.scriptId === start.scriptId &&
    next.startLocation.lineNumber === start.lineNumber &&
    next.startLocation.columnNumber === start.columnNumber;
  if (functionScope && sameStart) return 'with-function';
  // V8 places every block a closure keeps alive at its function's start: of several from the same
  // function, only the outermost (the last) can be the wrapper.
  return next?.type === 'block' && sameStart ? 'no' : 'alone';
}

/** From a function's start to its wrapper head: no block, no statement in between. */
const FUNCTION_START = /^[^{};]*\{const (__cs\d*)p=\1\|\|/;

/** Whether a closure holds nothing but the probes' module variables (`__cs`, `__csm`…). */
async function onlyProbes(thread: DebugThread, objectId: string): Promise<boolean> {
  if (!objectId) return false;
  try {
    const { result } = await thread.cdp.Runtime.getProperties({ objectId, ownProperties: true });
    return result.length > 0 && result.every((property) => PROBE_NAMES.test(property.name));
  } catch {
    return false;
  }
}
