/**
 * `--state extends:NAME`: whether an object's class extends a class of that name, read from its
 * prototype chain at run time. So a subclass of a subclass counts, wherever it is declared, and
 * so does a class that extends a built-in or a library's class (EventEmitter, Map). The chain is
 * read through data properties only: a getter, a Proxy or a nameless constructor is skipped or ends
 * the walk, and nothing of the program runs.
 */
import {
  ObjectGetOwnPropertyDescriptor,
  ObjectGetPrototypeOf,
  ObjectHasOwn,
  ObjectPrototype,
  isProxy,
} from './primordials';
import { functionName } from './safeReflection';

/** Deeper chains are not followed (and a cyclic Proxy chain cannot loop). */
const MAX_DEPTH = 64;

export class AncestrySelector {
  /**
   * Per prototype: the class name of its instances when the class is selected, else null. Decided
   * once per prototype: re-parenting a prototype after its first traced call is not seen.
   */
  private readonly decided = new WeakMap<object, string | null>();

  constructor(private readonly matches: (ancestorName: string) => boolean) {}

  /**
   * When `self` is an instance of a class that extends a matching class (the class itself does not
   * count: `extends:Store` selects Store's subclasses), the name of its own class ('' when it has
   * none); otherwise null.
   */
  select(self: unknown): string | null {
    if (typeof self !== 'object' || self === null || isProxy(self)) return null;
    const own = ObjectGetPrototypeOf(self) as object | null;
    if (own === null) return null;
    let decided = this.decided.get(own);
    if (decided === undefined) {
      decided = this.decide(own);
      this.decided.set(own, decided);
    }
    return decided;
  }

  private decide(own: object): string | null {
    if (isProxy(own)) return null;
    let p = ObjectGetPrototypeOf(own) as object | null;
    for (let depth = 0; p !== null && p !== ObjectPrototype && depth < MAX_DEPTH; depth++) {
      if (isProxy(p)) return null;
      const name = constructorName(p);
      if (name !== '' && this.matches(name)) return constructorName(own);
      p = ObjectGetPrototypeOf(p) as object | null;
    }
    return null;
  }
}

/** The name of the constructor a prototype owns as a data property, '' when there is none. */
function constructorName(proto: object): string {
  const d = ObjectGetOwnPropertyDescriptor(proto, 'constructor');
  if (d === undefined || ObjectHasOwn(d, 'get')) return '';
  const ctor: unknown = d.value;
  return typeof ctor === 'function' && !isProxy(ctor) ? functionName(ctor) : '';
}
