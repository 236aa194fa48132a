import { describe, expect, it } from 'vitest';
import { lineLooks } from '../../extension/tracePointLooks';
import { parseTimelineTarget, sameTarget, timelineTitle } from '../../extension/timelineTarget';

describe('lineLooks', () => {
  it('shows the plain look for lines no session reported on', () => {
    const looks = lineLooks([3, 7], [], false);
    expect(looks.map((l) => l.look)).toEqual(['set', 'set']);
    expect(looks[0].message).toMatch(/without pausing/);
    expect(lineLooks([3], [[]], true)[0].message).toMatch(/not confirmed yet/);
  });

  it('takes the best state over sessions and ignores lines no longer set', () => {
    const parent = [
      { line: 3, id: 1, mode: 'pending' as const, message: 'Waiting for worker.js to load.' },
      { line: 7, id: 2, mode: 'breakpoint' as const, message: 'The live edit was refused.' },
      { line: 9, id: 3, mode: 'probe' as const },
    ];
    const child = [{ line: 3, id: 1, mode: 'probe' as const }];
    const looks = lineLooks([3, 7], [parent, child], true);
    expect(looks.map((l) => [l.line, l.look])).toEqual([
      [3, 'probe'],
      [7, 'breakpoint'],
    ]);
    expect(looks[1].message).toMatch(/100 µs a hit.*The live edit was refused\./);
    const pending = lineLooks([3], [parent], true)[0];
    expect(pending).toMatchObject({ look: 'pending', message: expect.stringMatching(/worker\.js/) });
  });

  it('shows a point that cannot record as failed, with the reason, below any working state', () => {
    const reason = 'This session has used all 65,535 trace point ids.';
    const failed = [{ line: 4, id: 0, mode: 'failed' as const, message: reason }];
    const [look] = lineLooks([4], [failed], true);
    expect(look.look).toBe('failed');
    expect(look.message).toBe(`Cinescope trace point: not recorded in this session. ${reason}`);
    const elsewhere = [{ line: 4, id: 9, mode: 'pending' as const }];
    expect(lineLooks([4], [failed, elsewhere], true)[0].look).toBe('pending');
  });
});

describe('timeline targets', () => {
  it('restores only well-formed persisted targets', () => {
    expect(parseTimelineTarget({ target: { type: 'file', path: '/t/a.cinescope' } })).toEqual({
      type: 'file',
      path: '/t/a.cinescope',
    });
    expect(parseTimelineTarget({ target: { type: 'live', sessionId: 's', name: 'Run' } })).toEqual({
      type: 'live',
      sessionId: 's',
      name: 'Run',
    });
    for (const junk of [
      undefined,
      null,
      3,
      {},
      { target: { type: 'file', path: '' } },
      { target: { type: 'x' } },
    ]) {
      expect(parseTimelineTarget(junk)).toBeUndefined();
    }
  });

  it('titles and compares targets', () => {
    expect(timelineTitle({ type: 'file', path: '/t/run.cinescope' })).toBe('Timeline: run.cinescope');
    expect(timelineTitle({ type: 'live', sessionId: 's', name: 'Launch' })).toBe('Timeline: Launch');
    expect(sameTarget({ type: 'file', path: '/a' }, { type: 'file', path: '/a' })).toBe(true);
    expect(sameTarget({ type: 'file', path: '/a' }, { type: 'live', sessionId: '/a', name: '' })).toBe(false);
  });
});
