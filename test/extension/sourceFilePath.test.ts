/** The timeline's "open source" requests: only files on this machine are opened. */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFilePath } from '../../extension/sourceFilePath';
import { tempDir } from '../helpers';

describe('sourceFilePath', () => {
  it('opens absolute paths and file URLs as paths', () => {
    const file = join(tempDir(), 'app.mjs');
    expect(sourceFilePath(file)).toEqual({ type: 'path', path: file });
    expect(sourceFilePath(pathToFileURL(file).href)).toEqual({ type: 'path', path: file });
    expect(sourceFilePath('C:\\work\\app.js')).toEqual({ type: 'path', path: 'C:\\work\\app.js' });
  });

  it('refuses every other scheme and relative names with a sentence', () => {
    for (const hostile of [
      'command:workbench.action.terminal.new',
      'vscode://some.extension/run?x=1',
      'https://example.com/app.js',
      'untitled:Untitled-1',
      'node:internal/modules/cjs/loader',
    ]) {
      const result = sourceFilePath(hostile);
      expect(result.type, hostile).toBe('refused');
      if (result.type === 'refused') expect(result.reason).toMatch(/not a file on this machine/);
    }
    expect(sourceFilePath('app.js')).toMatchObject({
      type: 'refused',
      reason: expect.stringMatching(/not an absolute/),
    });
    expect(sourceFilePath('file://remote-host/share/app.js').type).toBe('refused');
  });
});
