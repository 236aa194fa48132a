/** The state timeline's replay of recorded changes into the object they describe. */
import { describe, expect, it } from 'vitest';
import { pathSegments, replayState } from '../../webview/page/stateReplay';

describe('pathSegments', () => {
  it.each([
    ['balance', ['balance']],
    ['history[2]', ['history', 2]],
    ['owner.name', ['owner', 'name']],
    ['ledger.entries[0].amount', ['ledger', 'entries', 0, 'amount']],
    ['["a b"].c', ['a b', 'c']],
    ['.', undefined],
    ['a..b', undefined],
  ])('%s', (path, expected) => expect(pathSegments(path)).toEqual(expected));
});

describe('replayState', () => {
  it('applies changes below arrays and class instances without touching the recorded values', () => {
    const ledger = { $: 'instance', class: 'Ledger', props: { entries: [] } };
    const steps = [
      {
        changes: [
          { path: 'balance', op: 'added', old: null, new: 0 },
          { path: 'ledger', op: 'added', old: null, new: ledger },
          { path: 'history', op: 'added', old: null, new: [] },
        ],
      },
      {
        changes: [
          { path: 'balance', op: 'changed', old: 0, new: 500 },
          { path: 'ledger.entries[0]', op: 'added', old: null, new: { amount: 500 } },
          { path: 'history[0]', op: 'added', old: null, new: 500 },
        ],
      },
      { changes: [{ path: 'history[0]', op: 'removed', old: 500, new: null }] },
    ];
    expect(replayState(steps.slice(0, 2))).toEqual({
      balance: 500,
      ledger: { $: 'instance', class: 'Ledger', props: { entries: [{ amount: 500 }] } },
      history: [500],
    });
    expect(replayState(steps).history).toEqual([]);
    expect(ledger.props.entries).toEqual([]);
  });
});
