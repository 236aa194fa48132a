import { describe, expect, it } from 'vitest';
import { DEFAULT_INSPECTOR_PORT, fillLaunchDefaults } from '../../extension/launchDefaults';

const jsEditor = { activeFile: '/w/app.js', activeLanguage: 'javascript' };

describe('fillLaunchDefaults', () => {
  it('runs the active file when there is no launch.json', () => {
    expect(fillLaunchDefaults({}, jsEditor)).toEqual({
      type: 'ok',
      config: {
        type: 'cinescope',
        request: 'launch',
        name: 'Cinescope: Launch current file',
        program: '/w/app.js',
        cwd: '${workspaceFolder}',
      },
    });
  });

  it('recognises runnable files by language or, failing that, by extension', () => {
    const ts = fillLaunchDefaults({}, { activeFile: '/w/a.mts' });
    expect(ts).toMatchObject({ type: 'ok', config: { program: '/w/a.mts' } });
    const md = fillLaunchDefaults({}, { activeFile: '/w/README.md', activeLanguage: 'markdown' });
    expect(md.type).toBe('error');
  });

  it('says what to do when nothing can be run', () => {
    const none = fillLaunchDefaults({}, {});
    expect(none).toMatchObject({ type: 'error', message: expect.stringMatching(/Open the JavaScript/) });
    const named = fillLaunchDefaults(
      { type: 'cinescope', request: 'launch', name: 'Run it', program: ' ' },
      {},
    );
    expect(named).toMatchObject({
      type: 'error',
      message: expect.stringMatching(/"Run it" has no "program"/),
    });
  });

  it('fills a missing program from the editor and leaves a given one alone', () => {
    const base = { type: 'cinescope', request: 'launch', name: 'L' };
    expect(fillLaunchDefaults(base, jsEditor)).toMatchObject({ config: { program: '/w/app.js' } });
    expect(fillLaunchDefaults({ ...base, program: 'x.js' }, jsEditor)).toMatchObject({
      config: { program: 'x.js' },
    });
  });

  it('gives attach the inspector’s default port and loopback', () => {
    const result = fillLaunchDefaults({ type: 'cinescope', request: 'attach', name: 'A' }, {});
    expect(result).toMatchObject({ config: { port: DEFAULT_INSPECTOR_PORT, address: '127.0.0.1' } });
    const given = fillLaunchDefaults({ type: 'cinescope', request: 'attach', name: 'A', port: 9333 }, {});
    expect(given).toMatchObject({ config: { port: 9333 } });
  });
});
