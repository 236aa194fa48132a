/**
 * The contract between the journey that runs inside VS Code's extension host (`suite/`) and the
 * harness outside that drives the browser (`harness/`). The suite uses the real `vscode` API; what
 * only the page can tell (is the text on screen, in a notification, inside the timeline webview?)
 * it asks the harness over a loopback HTTP request with the run's token. Every message is a
 * discriminated union on `type`.
 */

/** Written by the harness next to the built suite: everything the suite needs to know about this run. */
export interface SuiteConfig {
  /** `development`: the extension is loaded from the checkout; `vsix`: from the installed package. */
  mode: 'development' | 'vsix';
  /** `http://127.0.0.1:PORT/TOKEN`; requests are POSTed to it as JSON. */
  driverUrl: string;
  /** The workspace folder VS Code opened (holds `.vscode/launch.json` and the sample program). */
  workspace: string;
  /** A trace recorded by the CLI before VS Code started. */
  recordedTrace: string;
  /** Where the suite writes its `SuiteResults`. */
  resultsFile: string;
  /** The profile's extensions folder, where `vsix` mode installed the package. */
  extensionsDir: string;
  /** Where the suite logs the DAP traffic of every Cinescope debug session. */
  dapLog: string;
  /** The repository root (the checkout under test). */
  repoRoot: string;
}

/** A part of the page the harness can read. */
export type Region =
  'workbench' | 'panel' | 'notifications' | 'debugVariables' | 'callStack' | 'editor' | 'webview';

export type DriverRequest =
  /** Wait until every string is in the region's text, then screenshot; or screenshot what is there. */
  | { type: 'look'; step: string; region: Region; contains: string[]; timeoutMs?: number }
  /** Only a screenshot, named for the step. */
  | { type: 'screenshot'; step: string }
  /** Click the first element matching a CSS selector inside the region, then screenshot. */
  | { type: 'click'; step: string; region: Region; selector: string; timeoutMs?: number }
  /**
   * Right-click a line number of the active editor and pick a context-menu item; with `gutterIcon`,
   * wait until that line's gutter shows an icon whose image file name starts with it (an extension's
   * decoration), else reply `error`. Then screenshot.
   */
  | { type: 'gutterMenu'; step: string; line: number; item: string; gutterIcon?: string }
  /**
   * Read the visible timeline page (its `__cinescopeTimeline.inspect()`), waiting until it shows
   * the lanes and kinds asked for; with `select`, click the first drawn item that matches on the
   * canvas, as a user would, and wait for its details. Then screenshot.
   */
  | {
      type: 'timeline';
      step: string;
      until?: { lanes?: string[]; kinds?: DrawnKind[]; typeNames?: string[] };
      select?: { kind?: DrawnKind; typeName?: string };
      timeoutMs?: number;
    };

/** What the timeline canvas draws (webview/page/render.ts `Drawn.kind`). */
export type DrawnKind = 'event' | 'span' | 'state' | 'arrow' | 'bucket';

/** What the harness read from the timeline page. */
export interface TimelineView {
  /** Lane labels, e.g. `main`, `squarer`. */
  lanes: string[];
  drawn: { kind: DrawnKind; typeName: string; label: string }[];
  /** The text of the details pane (the selected event, call or state change). */
  detailText: string;
}

export type DriverReply =
  | { type: 'seen'; screenshot: string }
  | { type: 'timeline'; view: TimelineView; screenshot: string }
  | { type: 'missing'; missing: string[]; text: string; screenshot: string }
  | { type: 'error'; message: string; screenshot?: string };

export type StepStatus = 'passed' | 'failed' | 'unavailable';

export interface StepResult {
  name: string;
  status: StepStatus;
  /** For a failure the error, for an unavailable step what it waits for. */
  detail?: string;
  /** Screenshots taken during the step. */
  screenshots: string[];
}

export interface SuiteResults {
  mode: SuiteConfig['mode'];
  steps: StepResult[];
}
