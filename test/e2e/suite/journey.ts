/**
 * The user's journey through Cinescope in a real VS Code (issue 6): record a trace and read its
 * summary; debug the sample program with the `cinescope` launch configuration, stop at a
 * breakpoint and read the variables; toggle a trace point in the gutter and continue; open the
 * timeline; reopen a saved trace; start a broken configuration and read the error. Each step drives
 * the real `vscode` API and asks the harness to check the page and screenshot it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type {
  SetTracePointsArguments,
  SetTracePointsResponseBody,
  TracePointState,
} from '../../../adapter/customRequests';
import { contributedCommands, missingContributions } from './contributions';
import { DebugWatch } from './debugWatch';
import type { DrawnKind, TimelineView } from './driverProtocol';
import type { JourneyContext, Step } from './step';

const DEBUG_TYPE = 'cinescope';
const PROGRAM = 'pipeline.cjs';
const LAUNCH = 'Cinescope: pipeline';
const BAD_LAUNCH = 'Cinescope: missing program';
const ACTIVATES = 'the extension activates';
const RUNS_TO_END = 'a trace point toggled in the gutter is set, and the program runs to its end';

/** The 1-based line of the sample program that carries `// e2e: <marker>`. */
function markedLine(workspace: string, marker: string): number {
  const lines = readFileSync(join(workspace, PROGRAM), 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(`// e2e: ${marker}`));
  if (index < 0) throw new Error(`${PROGRAM} has no "// e2e: ${marker}" line`);
  return index + 1;
}

/** Polls `probe` until it returns a value; a timeout fails with `failure`. */
async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, ms: number, failure: string) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(failure);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function waitForTab(label: string): Promise<true> {
  return waitFor(
    () => (vscode.window.tabGroups.activeTabGroup.activeTab?.label.includes(label) ? true : undefined),
    10_000,
    `no tab for ${label} became active`,
  );
}

interface TimelineExpectation {
  lanes?: string[];
  kinds?: DrawnKind[];
  typeNames?: string[];
}

/** Fails with what the timeline shows when a lane, a kind of mark or an event type is not in it. */
function expectTimeline(view: TimelineView, expected: TimelineExpectation) {
  const missing = [
    ...(expected.lanes ?? []).filter((l) => !view.lanes.includes(l)).map((l) => `lane "${l}"`),
    ...(expected.kinds ?? []).filter((k) => !view.drawn.some((d) => d.kind === k)).map((k) => `a drawn ${k}`),
    ...(expected.typeNames ?? [])
      .filter((t) => !view.drawn.some((d) => d.typeName === t))
      .map((t) => `a ${t} event`),
  ];
  if (missing.length) {
    const kinds = [...new Set(view.drawn.map((d) => `${d.kind}/${d.typeName}`))].join(', ');
    throw new Error(
      `the timeline has no ${missing.join(', ')}; lanes: ${view.lanes.join(', ')}; drawn: ${kinds}`,
    );
  }
}

function commandTitle(ctx: JourneyContext, id: string): string {
  const commands = (
    ctx.extension.packageJSON as { contributes?: { commands?: { command: string; title: string }[] } }
  ).contributes?.commands;
  const title = commands?.find((c) => c.command === id)?.title;
  if (!title) throw new Error(`package.json gives command ${id} no title`);
  return title;
}

interface DebugStop {
  session: vscode.DebugSession;
  threadId: number;
}

export function journey(watch: DebugWatch): Step[] {
  return [
    {
      name: ACTIVATES,
      async run(ctx) {
        await ctx.extension.activate();
        if (!ctx.extension.isActive) throw new Error('the extension did not become active');
        const installed = ctx.extension.extensionPath.startsWith(ctx.config.extensionsDir);
        if (installed !== (ctx.config.mode === 'vsix')) {
          throw new Error(
            `in ${ctx.config.mode} mode the extension was loaded from ${ctx.extension.extensionPath}`,
          );
        }
        await ctx.driver.screenshot('activated');
      },
    },
    {
      name: 'every command in package.json is registered',
      after: [ACTIVATES],
      async run(ctx) {
        const registered = new Set(await vscode.commands.getCommands(true));
        const missing = contributedCommands(ctx.extension).filter((id) => !registered.has(id));
        if (missing.length) throw new Error(`contributed but not registered: ${missing.join(', ')}`);
      },
    },
    {
      name: 'a trace recorded by the CLI shows its summary',
      after: [ACTIVATES],
      unavailable: (ctx) => missingContributions(ctx.extension, { commands: ['cinescope.showTraceSummary'] }),
      async run(ctx) {
        const file = vscode.Uri.file(ctx.config.recordedTrace);
        await vscode.commands.executeCommand('cinescope.showTraceSummary', file);
        await ctx.driver.look('trace summary in the Output panel', 'panel', [
          'from 1 process, 3 threads',
          'linked to their send',
        ]);
      },
    },
    {
      name: 'the cinescope launch configuration stops at a breakpoint',
      after: [ACTIVATES],
      unavailable: (ctx) => missingContributions(ctx.extension, { debuggers: [DEBUG_TYPE] }),
      async run(ctx) {
        const folder = vscode.workspace.workspaceFolders?.[0];
        if (!folder) throw new Error('VS Code opened no workspace folder');
        const program = vscode.Uri.file(join(ctx.config.workspace, PROGRAM));
        const line = markedLine(ctx.config.workspace, 'breakpoint');
        await vscode.window.showTextDocument(program, { preview: false });
        const breakpoint = new vscode.SourceBreakpoint(
          new vscode.Location(program, new vscode.Position(line - 1, 0)),
        );
        vscode.debug.addBreakpoints([breakpoint]);
        ctx.shared.set('breakpoint', breakpoint);
        if (ctx.driver.drivesPage) {
          // As a user does: the Run and Debug view, whose list preselects launch.json's first
          // configuration, and its green button.
          await vscode.commands.executeCommand('workbench.view.debug');
          await ctx.driver.click(
            'start from the Run and Debug view',
            'workbench',
            '[aria-label^="Start Debugging"]',
          );
        } else if (!(await vscode.debug.startDebugging(folder, LAUNCH))) {
          throw new Error(`VS Code did not start "${LAUNCH}"`);
        }
        const stop = await watch.nextStop(30_000);
        if (stop.session.name !== LAUNCH)
          throw new Error(`the session started is "${stop.session.name}", not "${LAUNCH}"`);
        ctx.shared.set('stop', { session: stop.session, threadId: stop.threadId } satisfies DebugStop);
        const trace = (await stop.session.customRequest('stackTrace', {
          threadId: stop.threadId,
          levels: 1,
        })) as {
          stackFrames: { line: number; source?: { path?: string } }[];
        };
        const top = trace.stackFrames[0];
        if (!top?.source?.path?.endsWith(PROGRAM) || top.line !== line) {
          throw new Error(
            `stopped at ${top?.source?.path ?? '?'}:${top?.line ?? '?'} (${stop.reason}), not ${PROGRAM}:${line}`,
          );
        }
        await ctx.driver.look('stopped at the breakpoint', 'callStack', [PROGRAM, String(line)]);
      },
    },
    {
      name: "the Call Stack lists the program's two threads, not Cinescope's own",
      after: ['the cinescope launch configuration stops at a breakpoint'],
      async run(ctx) {
        const { session } = ctx.shared.get('stop') as DebugStop;
        const { threads } = (await session.customRequest('threads')) as { threads: { name: string }[] };
        const names = threads.map((t) => t.name);
        // pipeline.cjs runs its main thread and one worker; the runtime's drain worker is not the user's.
        if (names.length !== 2)
          throw new Error(`the debugger shows ${names.length} threads: ${names.join(', ')}`);
        await ctx.driver.look('threads in the Call Stack', 'callStack', names);
      },
    },
    {
      name: 'the variables of the stopped frame show',
      after: ['the cinescope launch configuration stops at a breakpoint'],
      async run(ctx) {
        const { session, threadId } = ctx.shared.get('stop') as DebugStop;
        const trace = (await session.customRequest('stackTrace', { threadId, levels: 1 })) as {
          stackFrames: { id: number }[];
        };
        const scopes = (await session.customRequest('scopes', { frameId: trace.stackFrames[0].id })) as {
          scopes: { name: string; variablesReference: number }[];
        };
        const seen: string[] = [];
        const namesBy = new Map<string, string[]>();
        let squared: string | undefined;
        let holder = '';
        for (const scope of scopes.scopes.filter((sc) => sc.name !== 'Global')) {
          const { variables } = (await session.customRequest('variables', {
            variablesReference: scope.variablesReference,
          })) as { variables: { name: string; value: string }[] };
          seen.push(`${scope.name}: ${variables.map((v) => `${v.name}=${v.value}`).join(', ')}`);
          namesBy.set(
            scope.name,
            variables.map((v) => v.name),
          );
          const found = variables.find((v) => v.name === 'squared')?.value;
          if (found !== undefined && squared === undefined) {
            squared = found;
            holder = scope.name;
          }
        }
        if (squared !== '9') throw new Error(`expected squared=9 in the frame's scopes; ${seen.join('; ')}`);
        // As untraced: the body's `const total` is in the first scope (Local) with the parameter
        // `squared`, not in a Block of the instrumenter's `try{` wrapper.
        const first = namesBy.get(scopes.scopes[0]?.name ?? '') ?? [];
        if (!first.includes('total') || !first.includes('squared')) {
          throw new Error(`expected squared and total in the frame's first scope; ${seen.join('; ')}`);
        }
        // VS Code expands only the first scope; a user opens the one that holds the variable.
        if (holder !== scopes.scopes[0].name) {
          await ctx.driver.click(
            `expand ${holder}`,
            'debugVariables',
            `.monaco-list-row:has-text("${holder}")`,
          );
        }
        await ctx.driver.look('variables in the Run and Debug view', 'debugVariables', ['squared', '9']);
      },
    },
    {
      name: RUNS_TO_END,
      after: ['the cinescope launch configuration stops at a breakpoint'],
      unavailable: (ctx) => missingContributions(ctx.extension, { commands: ['cinescope.toggleTracePoint'] }),
      async run(ctx) {
        const { session, threadId } = ctx.shared.get('stop') as DebugStop;
        const line = markedLine(ctx.config.workspace, 'trace point');
        if (ctx.driver.drivesPage) {
          // The extension's gutter icon (dist/media/tracepoint*.svg) must then show on that line.
          await ctx.driver.gutterMenu(
            'trace point from the gutter menu',
            line,
            commandTitle(ctx, 'cinescope.toggleTracePoint'),
            'tracepoint',
          );
        } else {
          // No page to click in: the same command the gutter menu runs, with the same arguments.
          const uri = vscode.Uri.file(join(ctx.config.workspace, PROGRAM));
          await vscode.commands.executeCommand('cinescope.toggleTracePoint', { uri, lineNumber: line });
        }
        // The extension sends the file's trace points to the adapter, which says how it set each.
        const sent = await watch.answered(
          'cinescope/setTracePoints',
          (args) => (args as SetTracePointsArguments).lines.includes(line),
          10_000,
        );
        const states = (sent.response?.body as SetTracePointsResponseBody | undefined)?.tracePoints ?? [];
        if (!sent.response?.success || !states.some((t) => t.line === line)) {
          throw new Error(`the adapter did not set the trace point: ${JSON.stringify(sent.response)}`);
        }
        vscode.debug.removeBreakpoints([ctx.shared.get('breakpoint') as vscode.SourceBreakpoint]);
        await session.customRequest('continue', { threadId });
        await watch.waitForEnd(session, 30_000);
        await ctx.driver.screenshot('program ended');
      },
    },
    {
      name: 'the timeline of the session opens and draws its threads',
      after: [RUNS_TO_END],
      unavailable: (ctx) => missingContributions(ctx.extension, { commands: ['cinescope.showTimeline'] }),
      async run(ctx) {
        await vscode.commands.executeCommand('cinescope.showTimeline');
        const view = await ctx.driver.timeline('timeline of the session', {
          lanes: ['main', 'squarer'],
          kinds: ['event'],
        });
        expectTimeline(view, { lanes: ['main', 'squarer'], kinds: ['event'] });
      },
    },
    {
      name: 'the timeline shows a message arrow, a state diff and trace-point values',
      after: [RUNS_TO_END],
      unavailable: (ctx) => missingContributions(ctx.extension, { commands: ['cinescope.showTimeline'] }),
      async run(ctx) {
        await vscode.commands.executeCommand('cinescope.showTimeline');
        // Room to read it, as a user makes: the timeline's group alone, without side bars.
        await vscode.commands.executeCommand('workbench.action.maximizeEditorHideSidebar');
        const expected: TimelineExpectation = {
          lanes: ['main', 'squarer'],
          kinds: ['arrow', 'state'],
          typeNames: ['tracePointHit'],
        };
        expectTimeline(await ctx.driver.timeline('timeline maximized', expected), expected);
        const state = await ctx.driver.timeline('a state change selected', {}, { kind: 'state' });
        if (!/total[\s\S]*\d/.test(state.detailText)) {
          throw new Error(
            `the details of a state change do not show "total" and a value: ${JSON.stringify(state.detailText)}`,
          );
        }
        const hit = await ctx.driver.timeline(
          'a trace-point hit selected',
          {},
          { typeName: 'tracePointHit' },
        );
        if (!/squared\s*(9|16|25)(?!\d)/.test(hit.detailText)) {
          throw new Error(
            `the details of a trace-point hit do not show "squared" with 9, 16 or 25: ${JSON.stringify(hit.detailText)}`,
          );
        }
        // The values are the user's: the instrumenter's own locals (`__cs…`) are not theirs to see.
        const internal = hit.detailText.match(/__cs[cemrp]?/g);
        if (internal) {
          throw new Error(
            `the trace-point values show the instrumenter's variables ${[...new Set(internal)].join(', ')}`,
          );
        }
      },
    },
    {
      name: 'the saved trace of the session reopens as a timeline',
      after: [RUNS_TO_END],
      unavailable: (ctx) =>
        missingContributions(ctx.extension, { commands: ['cinescope.saveTrace', 'cinescope.openTraceFile'] }),
      async run(ctx) {
        const target = vscode.Uri.file(join(ctx.config.workspace, 'saved.cinescope'));
        const saved = await vscode.commands.executeCommand<vscode.Uri | undefined>(
          'cinescope.saveTrace',
          target,
        );
        if (!saved) throw new Error('Save Trace saved nothing');
        await vscode.commands.executeCommand('cinescope.openTraceFile', saved);
        await waitForTab('saved.cinescope');
        await vscode.commands.executeCommand('workbench.action.maximizeEditorHideSidebar');
        const view = await ctx.driver.timeline('saved trace reopened', { lanes: ['main', 'squarer'] });
        expectTimeline(view, { lanes: ['main', 'squarer'], kinds: ['arrow'] });
      },
    },
    {
      name: 'a trace recorded by the CLI opens as a timeline',
      after: [ACTIVATES],
      unavailable: (ctx) => missingContributions(ctx.extension, { commands: ['cinescope.openTraceFile'] }),
      async run(ctx) {
        await vscode.commands.executeCommand(
          'cinescope.openTraceFile',
          vscode.Uri.file(ctx.config.recordedTrace),
        );
        await waitForTab('worker-pipeline.cinescope');
        await vscode.commands.executeCommand('workbench.action.maximizeEditorHideSidebar');
        const view = await ctx.driver.timeline('recorded trace opened', { lanes: ['hasher-1', 'hasher-2'] });
        expectTimeline(view, { lanes: ['main', 'hasher-1', 'hasher-2'], kinds: ['arrow'] });
      },
    },
    {
      name: 'a trace point toggled before F5 is set before the program starts and records',
      after: [RUNS_TO_END],
      unavailable: (ctx) => missingContributions(ctx.extension, { commands: ['cinescope.showTimeline'] }),
      async run(ctx) {
        const folder = vscode.workspace.workspaceFolders?.[0];
        if (!folder) throw new Error('VS Code opened no workspace folder');
        const line = markedLine(ctx.config.workspace, 'trace point');
        const program = join(ctx.config.workspace, PROGRAM);
        const api = ctx.extension.exports as { tracePointLines?(file: string): readonly number[] };
        if (!api.tracePointLines?.(program).includes(line)) {
          throw new Error(`the trace point on line ${line} was not kept for the workspace`);
        }
        const started = new Promise<vscode.DebugSession>((resolve) => {
          const listener = vscode.debug.onDidStartDebugSession((s) => {
            listener.dispose();
            resolve(s);
          });
        });
        if (!(await vscode.debug.startDebugging(folder, LAUNCH))) {
          throw new Error(`VS Code did not start "${LAUNCH}" again`);
        }
        const session = await started;
        // Sent at `initialized`, before the runtime preload ran: it waits for the program to start…
        const sent = await watch.answered(
          'cinescope/setTracePoints',
          (args) => (args as SetTracePointsArguments).lines.includes(line),
          10_000,
          session.id,
        );
        const early = (sent.response?.body as SetTracePointsResponseBody | undefined)?.tracePoints ?? [];
        if (!early.some((t) => t.line === line)) {
          throw new Error(`the adapter did not take the trace point: ${JSON.stringify(sent.response)}`);
        }
        // …and is armed once it has.
        await watch.customEvent(
          session.id,
          'cinescope/tracePointsChanged',
          (body) =>
            ((body as { tracePoints?: TracePointState[] }).tracePoints ?? []).some(
              (t) => t.line === line && t.mode !== 'pending',
            ),
          30_000,
        );
        await watch.waitForEnd(session, 30_000);
        await vscode.commands.executeCommand('cinescope.showTimeline');
        const expected: TimelineExpectation = { lanes: ['main'], typeNames: ['tracePointHit'] };
        expectTimeline(
          await ctx.driver.timeline('timeline of the run started with a trace point', expected),
          expected,
        );
      },
    },
    {
      name: 'a launch configuration with a missing program shows a clear error',
      after: [ACTIVATES],
      unavailable: (ctx) => missingContributions(ctx.extension, { debuggers: [DEBUG_TYPE] }),
      async run(ctx) {
        const folder = vscode.workspace.workspaceFolders?.[0];
        if (!folder) throw new Error('VS Code opened no workspace folder');
        // VS Code answers a failed launch with an error dialog or notification, not a rejection.
        void vscode.debug.startDebugging(folder, BAD_LAUNCH);
        // The sentence the extension's configuration check produces (adapter/config.ts), not just
        // the file name, which a raw stack trace would show too.
        const program = join(ctx.config.workspace, 'no-such-program.js');
        await ctx.driver.look('error for a missing program', 'notifications', [
          `Cinescope: "program" not found: ${program}.`,
        ]);
      },
    },
  ];
}

export { DEBUG_TYPE };
