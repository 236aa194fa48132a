/**
 * Defaults a Cinescope debug configuration gets before variables are substituted, as VS Code's
 * JavaScript debugger does: F5 without a launch.json runs the active file; a launch without
 * `program` runs the active file; an attach without `port` uses the inspector's default port.
 * No VS Code dependency: the provider passes in what it knows about the editor.
 */

/** What the editor knows when F5 is pressed. */
export interface EditorContext {
  /** The active text editor's file, when it is a file on disk. */
  activeFile?: string;
  /** Its VS Code language id. */
  activeLanguage?: string;
}

export type DefaultsResult =
  { type: 'ok'; config: Record<string, unknown> } | { type: 'error'; message: string };

const RUNNABLE_LANGUAGES = new Set(['javascript', 'typescript', 'javascriptreact', 'typescriptreact']);
const RUNNABLE_FILE = /\.(c|m)?(j|t)sx?$/i;

/** Node's default inspector port, the one `node --inspect` listens on. */
export const DEFAULT_INSPECTOR_PORT = 9229;

export function fillLaunchDefaults(raw: Record<string, unknown>, editor: EditorContext): DefaultsResult {
  const runnable = runnableFile(editor);
  // No launch.json (or an empty configuration): run the active file.
  if (raw.type === undefined && raw.request === undefined && raw.name === undefined) {
    if (!runnable) {
      return {
        type: 'error',
        message:
          'Open the JavaScript or TypeScript file to run, or add a Cinescope configuration to launch.json (Run > Add Configuration…).',
      };
    }
    return {
      type: 'ok',
      config: {
        type: 'cinescope',
        request: 'launch',
        name: 'Cinescope: Launch current file',
        program: runnable,
        cwd: '${workspaceFolder}',
      },
    };
  }
  const config = { ...raw };
  if (config.request === 'launch') {
    const hasProgram = typeof config.program === 'string' && config.program.trim() !== '';
    const hasRuntimeCommand =
      Array.isArray(config.runtimeArgs) && config.runtimeArgs.length > 0 && config.runtimeExecutable;
    if (!hasProgram && !hasRuntimeCommand) {
      if (!runnable) {
        return {
          type: 'error',
          message: `The configuration "${String(config.name ?? 'Cinescope')}" has no "program": set it in launch.json, or open the file to run and press F5 again.`,
        };
      }
      config.program = runnable;
    }
  } else if (config.request === 'attach') {
    config.port ??= DEFAULT_INSPECTOR_PORT;
    config.address ??= '127.0.0.1';
  }
  return { type: 'ok', config };
}

function runnableFile(editor: EditorContext): string | undefined {
  const file = editor.activeFile;
  if (!file) return undefined;
  if (editor.activeLanguage && RUNNABLE_LANGUAGES.has(editor.activeLanguage)) return file;
  return RUNNABLE_FILE.test(file) ? file : undefined;
}
