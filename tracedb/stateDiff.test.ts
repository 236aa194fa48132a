import { describe, expect, it } from 'vitest';
import { diffStates } from './stateDiff';

const instance = (props: Record<string, unknown>) => ({ $: 'instance', class: 'Account', props }) as never;

describe('diffStates', () => {
  it('lists changed, added and removed paths of an instance, old and new values', () => {
    const before = instance({ balance: 100, owner: { name: 'ann' }, history: [100], gone: true });
    const after = instance({ balance: 70, owner: { name: 'ann', vip: true }, history: [100, -30] });
    expect(diffStates(before, after)).toEqual([
      { path: 'balance', op: 'changed', old: 100, new: 70 },
      { path: 'owner.vip', op: 'added', new: true },
      { path: 'history[1]', op: 'added', new: -30 },
      { path: 'gone', op: 'removed', old: true },
    ]);
  });

  it('finds nothing when nothing changed, and quotes keys that are not identifiers', () => {
    expect(diffStates(instance({ a: [1, { b: 2 }] }), instance({ a: [1, { b: 2 }] }))).toEqual([]);
    expect(diffStates({ 'a.b': 1 }, { 'a.b': 2 })).toEqual([
      { path: '["a.b"]', op: 'changed', old: 1, new: 2 },
    ]);
  });

  it('treats values of different shapes as one change', () => {
    expect(diffStates({ x: [1] }, { x: { $: 'Map', size: 0, entries: [] } })).toEqual([
      { path: 'x', op: 'changed', old: [1], new: { $: 'Map', size: 0, entries: [] } },
    ]);
  });
});
