/**
 * `extends:` rules decide on the prototype chain at run time, and never run the program's code:
 * Proxies, getters and odd prototypes are skipped, not called.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { AncestrySelector } from '../../runtime/classAncestry';
import { classMatcher } from '../../runtime/traceRules';

class Store {}
class TodoStore extends Store {}
class UrgentStore extends TodoStore {}
class Bus extends EventEmitter {}

describe('AncestrySelector', () => {
  const store = new AncestrySelector(classMatcher(['Store']));

  it('selects subclasses at any depth, by the object’s own class, but not the named class itself', () => {
    expect(store.select(new TodoStore())).toBe('TodoStore');
    expect(store.select(new UrgentStore())).toBe('UrgentStore');
    expect(store.select(new Store())).toBeNull();
    expect(store.select({})).toBeNull();
    expect(store.select(Object.create(null))).toBeNull();
    expect(store.select(TodoStore)).toBeNull(); // static calls: `this` is the class, not an instance
    expect(new AncestrySelector(classMatcher(['EventEmitter'])).select(new Bus())).toBe('Bus');
    expect(new AncestrySelector(classMatcher(['*Store'])).select(new UrgentStore())).toBe('UrgentStore');
  });

  it('calls no getter and no Proxy trap on the way', () => {
    const touched: string[] = [];
    const trap = new Proxy(Store.prototype, {
      getPrototypeOf: (t) => (touched.push('getPrototypeOf'), Reflect.getPrototypeOf(t)),
      getOwnPropertyDescriptor: (t, k) => (
        touched.push('descriptor'),
        Reflect.getOwnPropertyDescriptor(t, k)
      ),
    });
    const behindProxy = Object.create(Object.create(trap));
    expect(store.select(behindProxy)).toBeNull();
    expect(store.select(new Proxy(new TodoStore(), {}))).toBeNull();

    const sneaky = Object.create(Store.prototype);
    Object.defineProperty(sneaky, 'constructor', {
      get: () => {
        touched.push('getter');
        return Store;
      },
    });
    expect(store.select(Object.create(sneaky))).toBe('');
    expect(touched).toEqual([]);
  });

  it('decides once per prototype', () => {
    class Late {}
    const selector = new AncestrySelector(classMatcher(['Store']));
    expect(selector.select(new Late())).toBeNull();
    Object.setPrototypeOf(Late.prototype, Store.prototype);
    expect(selector.select(new Late())).toBeNull(); // the first answer stands, as documented
    expect(new AncestrySelector(classMatcher(['Store'])).select(new Late())).toBe('Late');
  });
});
