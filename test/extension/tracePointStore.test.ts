import { describe, expect, it } from 'vitest';
import { shiftLines } from '../../extension/lineShift';
import type { LineEdit } from '../../extension/lineShift';
import { TracePointStore } from '../../extension/tracePointStore';

const at = (line: number, character = 0) => ({ line, character });
const edit = (start: [number, number], end: [number, number], text: string): LineEdit => ({
  start: at(...start),
  end: at(...end),
  text,
});

// Trace points on 1-based lines 3, 5 and 8; edits use 0-based positions (line 3 is index 2).
const cases: Array<[string, LineEdit, number[]]> = [
  ['typing inside a line moves nothing', edit([2, 4], [2, 4], 'x'), [3, 5, 8]],
  ['Enter at the end of line 3 pushes later lines down', edit([2, 9], [2, 9], '\n'), [3, 6, 9]],
  ['Enter at the start of line 3 carries its mark down', edit([2, 0], [2, 0], '\n'), [4, 6, 9]],
  ['pasting two lines above line 1', edit([0, 0], [0, 0], 'a\nb\n'), [5, 7, 10]],
  ['deleting line 3 whole removes its mark', edit([2, 0], [3, 0], ''), [4, 7]],
  ['deleting line 4 moves line 5 up', edit([3, 0], [4, 0], ''), [3, 4, 7]],
  ['joining line 5 onto line 4 keeps the mark with its code', edit([3, 7], [4, 0], ''), [3, 4, 7]],
  ['deleting from mid line 3 to mid line 6 removes 5', edit([2, 3], [5, 2], ''), [3, 5]],
  ['replacing lines 4-5 with three lines', edit([3, 0], [5, 0], 'x\ny\nz\n'), [3, 9]],
  ['CRLF text counts its newlines', edit([0, 0], [0, 0], 'a\r\nb\r\n'), [5, 7, 10]],
  ['an edit after the last mark moves nothing', edit([20, 0], [30, 0], ''), [3, 5, 8]],
];

describe('shiftLines', () => {
  it.each(cases)('%s', (_name, change, expected) => {
    expect(shiftLines([3, 5, 8], change)).toEqual(expected);
  });

  it('merges marks that land on one line and never yields line 0', () => {
    expect(shiftLines([1, 2], edit([0, 0], [1, 0], ''))).toEqual([1]);
  });
});

describe('TracePointStore', () => {
  it('toggles a line on and off, keeping lines sorted', () => {
    const store = new TracePointStore();
    expect(store.toggle('/a.js', 9)).toBe(true);
    expect(store.toggle('/a.js', 2)).toBe(true);
    expect(store.lines('/a.js')).toEqual([2, 9]);
    expect(store.toggle('/a.js', 9)).toBe(false);
    expect(store.lines('/a.js')).toEqual([2]);
    expect(store.toggle('/a.js', 2)).toBe(false);
    expect(store.files()).toEqual([]);
  });

  it('round-trips through JSON and skips malformed persisted data', () => {
    const store = new TracePointStore();
    store.toggle('/a.js', 4);
    store.toggle('/b.ts', 1);
    const again = TracePointStore.fromJSON(JSON.parse(JSON.stringify(store.toJSON())));
    expect(again.toJSON()).toEqual({ '/a.js': [4], '/b.ts': [1] });
    const messy = TracePointStore.fromJSON({ '/a.js': [3, 'x', -1, 2.5, 3], '/b.js': 'no' });
    expect(messy.toJSON()).toEqual({ '/a.js': [3] });
    for (const junk of [null, 42, 'text', [1, 2], undefined]) {
      expect(TracePointStore.fromJSON(junk).files()).toEqual([]);
    }
  });

  it('applies a sequence of edits and reports whether lines moved', () => {
    const store = new TracePointStore();
    store.set('/a.js', [3, 5]);
    expect(store.applyEdits('/a.js', [edit([2, 1], [2, 1], 'x')])).toBe(false);
    expect(store.applyEdits('/other.js', [edit([0, 0], [0, 0], '\n')])).toBe(false);
    // Two cursors, changes reported bottom-up as VS Code does.
    const changes = [edit([4, 0], [4, 0], '\n'), edit([0, 0], [0, 0], '\n')];
    expect(store.applyEdits('/a.js', changes)).toBe(true);
    expect(store.lines('/a.js')).toEqual([4, 7]);
  });

  it('follows a renamed file and merges with trace points already there', () => {
    const store = new TracePointStore();
    store.set('/old.js', [1, 4]);
    store.set('/new.js', [4, 6]);
    expect(store.rename('/old.js', '/new.js')).toBe(true);
    expect(store.toJSON()).toEqual({ '/new.js': [1, 4, 6] });
    expect(store.rename('/missing.js', '/x.js')).toBe(false);
  });
});
