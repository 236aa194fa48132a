/**
 * Which "file" strings from the timeline page may be opened in an editor. The string comes from
 * trace data (a recorded script URL) relayed by the page, so it is untrusted: only an absolute
 * file path (or a `file:` URL, as ES modules are recorded) is opened. Any other scheme —
 * `command:`, `vscode:`, `http:`, an extension's custom scheme — could make the editor act on
 * the trace's behalf, so it is refused with a sentence. No VS Code dependency.
 */
import { fileURLToPath } from 'node:url';
import { isAbsolute, win32 } from 'node:path';

export type SourceFilePath = { type: 'path'; path: string } | { type: 'refused'; reason: string };

export function sourceFilePath(file: string): SourceFilePath {
  if (/^file:/i.test(file)) {
    try {
      return { type: 'path', path: fileURLToPath(file) };
    } catch {
      return { type: 'refused', reason: `${file} is not a valid file URL.` };
    }
  }
  if (isAbsolute(file) || win32.isAbsolute(file)) return { type: 'path', path: file };
  const scheme = /^([a-z][\w+.-]*):/i.exec(file)?.[1];
  return {
    type: 'refused',
    reason: scheme
      ? `${file} is not a file on this machine (${scheme}: locations are not opened from a trace).`
      : `${file} is not an absolute file path, so there is no file to open.`,
  };
}
