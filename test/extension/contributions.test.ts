/**
 * package.json's contributions against the code: command ids, activation events, and launch
 * configurations that the adapter's own validation accepts once VS Code substituted variables.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateDebugConfiguration } from '../../adapter/config';
import { Commands, TIMELINE_VIEW_TYPE, TRACE_EDITOR_VIEW_TYPE } from '../../extension/commandIds';
import { DEFAULT_MAX_EVENTS, liveTraceLimits, MAX_EVENTS_SETTING } from '../../extension/liveTraceLimits';
import { ROOT, tempDir } from '../helpers';

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const debuggerEntry = manifest.contributes.debuggers.find((d: any) => d.type === 'cinescope');

/** What VS Code does to a snippet body and a configuration before the adapter sees it. */
function substitute(value: unknown, folder: string): unknown {
  if (typeof value === 'string') {
    return value
      .replace(/^\^"(.*)"$/, '$1')
      .replace(/\\\$/g, '$')
      .replace(/\$\{\d+:([^}]*)\}/g, '$1')
      .replace(/\$\{workspaceFolder\}/g, folder)
      .replace(/\$\{file\}/g, join(folder, 'index.js'));
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, folder));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, folder)]));
  }
  return value;
}

describe('package.json contributions', () => {
  it('contributes every command with the Cinescope category and activates on it', () => {
    const contributed = manifest.contributes.commands.map((c: any) => c.command).sort();
    expect(contributed).toEqual(Object.values(Commands).sort());
    for (const command of manifest.contributes.commands) expect(command.category).toBe('Cinescope');
    for (const id of Object.values(Commands)) expect(manifest.activationEvents).toContain(`onCommand:${id}`);
    expect(manifest.activationEvents).toContain(`onWebviewPanel:${TIMELINE_VIEW_TYPE}`);
    expect(manifest.activationEvents).toContain(`onCustomEditor:${TRACE_EDITOR_VIEW_TYPE}`);
    expect(manifest.contributes.customEditors[0].viewType).toBe(TRACE_EDITOR_VIEW_TYPE);
    expect(manifest.main).toBe('./dist/extension.js');
  });

  it('describes every configuration attribute, with the names of VS Code’s JavaScript debugger', () => {
    const launch = debuggerEntry.configurationAttributes.launch.properties;
    const attach = debuggerEntry.configurationAttributes.attach.properties;
    const own = [
      'trace',
      'state',
      'reducers',
      'sampling',
      'traceFile',
      'cwd',
      'skipFiles',
      'sourceMaps',
      'outFiles',
    ];
    for (const name of [
      ...own,
      ...['program', 'args', 'env', 'envFile', 'runtimeExecutable', 'runtimeArgs', 'console', 'stopOnEntry'],
    ]) {
      expect(launch[name], name).toBeDefined();
    }
    for (const name of [...own, 'port', 'address']) expect(attach[name], name).toBeDefined();
    for (const attribute of [...Object.values(launch), ...Object.values(attach)] as any[]) {
      expect(attribute.description).toMatch(/\S{3}/);
      expect(attribute).toHaveProperty('default');
    }
  });

  it('offers initial configurations and snippets that the adapter accepts', () => {
    const folder = tempDir();
    writeFileSync(join(folder, 'index.js'), 'console.log(1);\n');
    const bodies = [
      ...debuggerEntry.initialConfigurations,
      ...debuggerEntry.configurationSnippets.map((s: any) => s.body),
    ];
    expect(bodies.length).toBeGreaterThanOrEqual(3);
    for (const body of bodies) {
      const result = validateDebugConfiguration(substitute(body, folder));
      expect(result, JSON.stringify(body)).toMatchObject({ ok: true });
    }
  });

  it('documents defaults that the adapter accepts attribute by attribute', () => {
    const folder = tempDir();
    writeFileSync(join(folder, 'index.js'), '');
    writeFileSync(join(folder, '.env'), 'A=1\n');
    for (const request of ['launch', 'attach'] as const) {
      const properties = debuggerEntry.configurationAttributes[request].properties;
      for (const [name, attribute] of Object.entries<any>(properties)) {
        const config = substitute(
          { request, program: join(folder, 'index.js'), cwd: folder, [name]: attribute.default },
          folder,
        );
        expect(validateDebugConfiguration(config), `${request}.${name}`).toMatchObject({ ok: true });
      }
    }
  });

  it('contributes the live trace cap as a described setting whose default the extension uses', () => {
    const setting = manifest.contributes.configuration.properties[MAX_EVENTS_SETTING];
    expect(setting.type).toBe('integer');
    expect(setting.default).toBe(DEFAULT_MAX_EVENTS);
    expect(setting.markdownDescription).toMatch(/dropped, counted and shown in the status bar/);
    expect(liveTraceLimits(setting.minimum).maxEvents).toBe(setting.minimum);
  });
});
