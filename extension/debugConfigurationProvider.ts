/**
 * Resolves `cinescope` debug configurations: fills defaults as VS Code's JavaScript debugger does
 * (launchDefaults.ts), then, with variables substituted, checks them with the adapter's own
 * validation, so a malformed configuration stops with a sentence saying what to fix instead of
 * reaching the adapter.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { validateDebugConfiguration } from '../adapter/config';
import { DEBUG_TYPE } from './cinescopeSessions';
import { fillLaunchDefaults } from './launchDefaults';

const OPEN_LAUNCH_JSON = 'Open launch.json';

export class CinescopeConfigurationProvider implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration | undefined {
    const editor = vscode.window.activeTextEditor;
    const document = editor?.document.uri.scheme === 'file' ? editor.document : undefined;
    const result = fillLaunchDefaults(config, {
      activeFile: document?.uri.fsPath,
      activeLanguage: document?.languageId,
    });
    if (result.type === 'error') return refuse(result.message);
    return result.config as vscode.DebugConfiguration;
  }

  resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration | undefined {
    // Relative paths resolve against the workspace folder, as in VS Code's JavaScript debugger.
    const resolved = { ...config };
    if (resolved.cwd === undefined && folder) resolved.cwd = folder.uri.fsPath;
    else if (
      resolved.cwd === undefined &&
      typeof resolved.program === 'string' &&
      path.isAbsolute(resolved.program)
    ) {
      resolved.cwd = path.dirname(resolved.program);
    }
    let result: ReturnType<typeof validateDebugConfiguration>;
    try {
      result = validateDebugConfiguration(resolved);
    } catch (error) {
      return refuse(`The configuration could not be checked: ${(error as Error).message}`);
    }
    if (!result.ok) return refuse(result.message);
    return resolved;
  }
}

/** Dynamic configurations: "Run and Debug" offers the active file without a launch.json. */
export class CinescopeDynamicConfigurations implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [
      {
        type: DEBUG_TYPE,
        request: 'launch',
        name: 'Cinescope: Launch current file',
        program: '${file}',
        cwd: '${workspaceFolder}',
      },
    ];
  }
}

/** Cancels the launch with a message; returning undefined (not null) keeps launch.json closed. */
function refuse(message: string): undefined {
  void vscode.window.showErrorMessage(`Cinescope: ${message}`, OPEN_LAUNCH_JSON).then((choice) => {
    if (choice === OPEN_LAUNCH_JSON) void vscode.commands.executeCommand('workbench.action.debug.configure');
  });
  return undefined;
}
