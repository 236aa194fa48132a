/**
 * What the extension under test contributes, read from its package.json as VS Code loaded it. A
 * journey step that needs a command or debugger the extension does not contribute yet reports
 * itself unavailable with this sentence.
 */
import type * as vscode from 'vscode';

interface Contributes {
  commands?: { command: string }[];
  debuggers?: { type: string }[];
  customEditors?: { viewType: string }[];
}

function contributes(extension: vscode.Extension<unknown>): Contributes {
  return ((extension.packageJSON as { contributes?: Contributes }).contributes ?? {}) as Contributes;
}

export function contributedCommands(extension: vscode.Extension<unknown>): string[] {
  return (contributes(extension).commands ?? []).map((c) => c.command);
}

/** Undefined when every command and debugger is contributed; else what is missing, in a sentence. */
export function missingContributions(
  extension: vscode.Extension<unknown>,
  needs: { commands?: string[]; debuggers?: string[]; customEditors?: string[] },
): string | undefined {
  const c = contributes(extension);
  const missing = [
    ...(needs.commands ?? [])
      .filter((id) => !(c.commands ?? []).some((x) => x.command === id))
      .map((id) => `command ${id}`),
    ...(needs.debuggers ?? [])
      .filter((type) => !(c.debuggers ?? []).some((x) => x.type === type))
      .map((type) => `debugger type "${type}"`),
    ...(needs.customEditors ?? [])
      .filter((type) => !(c.customEditors ?? []).some((x) => x.viewType === type))
      .map((type) => `custom editor ${type}`),
  ];
  return missing.length ? `waits for the extension to contribute ${missing.join(', ')}` : undefined;
}
