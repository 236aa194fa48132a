/**
 * Getting a CDP connection to the program: launch it with the runtime preload and the inspector,
 * or attach to one that runs with `--inspect` and inject the runtime into it.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { RuntimeConfig } from '../runtime/config';
import { CONFIG_ENV } from '../runtime/config';
import { defaultCacheDir, quoteOption, runtimeLaunchEnv } from '../runtime/launchEnv';
import { CdpClient } from './cdp';
import { CHILD_DEBUG_ENV } from './childDebugProtocol';
import type { AttachConfiguration, DebugConfiguration, LaunchConfiguration } from './config';
import { findWebSocketUrl, launchUnderInspector } from './inspector';
import type { DebugThread } from './thread';

export interface Debuggee {
  cdp: CdpClient;
  /** The launched program; undefined when attached. */
  child: ChildProcess | undefined;
}

/** The runtime configuration a session gives its program. */
export function runtimeConfigFor(
  config: DebugConfiguration,
  collector: { url: string; token: string },
): Partial<RuntimeConfig> {
  return {
    url: collector.url,
    token: collector.token,
    session: randomBytes(8).toString('hex'),
    trace: config.trace,
    state: config.state,
    reducers: config.reducers,
    cwd: config.cwd,
    cacheDir: defaultCacheDir(config.cwd),
  };
}

/** Starts the program paused before its first line, with the runtime preloaded. */
export async function launch(
  config: LaunchConfiguration,
  preloadPath: string,
  runtime: Partial<RuntimeConfig>,
  output: (category: 'stdout' | 'stderr', text: string) => void,
  children?: { bootloader: string; environmentValue: string },
): Promise<Debuggee> {
  if (!existsSync(preloadPath)) {
    throw new Error(`Cinescope's runtime bundle is missing at ${preloadPath}: run \`npm run build\`.`);
  }
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(config.env)) {
    if (value === null) delete base[name];
    else base[name] = value;
  }
  const launched = await launchUnderInspector({
    runtimeExecutable: config.runtimeExecutable,
    runtimeArgs: config.runtimeArgs,
    program: config.program,
    args: config.args,
    cwd: config.cwd,
    env: withChildDebugging(runtimeLaunchEnv(base, preloadPath, runtime), children),
    output,
  });
  try {
    return { cdp: await CdpClient.connect(launched.webSocketUrl), child: launched.child };
  } catch (error) {
    launched.child.kill();
    throw error;
  }
}

/** Adds the child-process bootloader (childDebug.ts) to the environment, when asked for. */
function withChildDebugging(
  env: NodeJS.ProcessEnv,
  children: { bootloader: string; environmentValue: string } | undefined,
): NodeJS.ProcessEnv {
  if (!children) return env;
  return {
    ...env,
    // First, so that its watchdog process is started before the runtime watches process starts.
    NODE_OPTIONS: `--require ${quoteOption(children.bootloader)} ${env.NODE_OPTIONS ?? ''}`.trim(),
    [CHILD_DEBUG_ENV]: children.environmentValue,
  };
}

/** Connects to a program started with `--inspect`. */
export async function attach(config: AttachConfiguration): Promise<Debuggee> {
  const url = await findWebSocketUrl(config.address, config.port);
  return { cdp: await CdpClient.connect(url), child: undefined };
}

/**
 * Loads the runtime into an attached program, so that it records like a launched one. Resolves
 * with a sentence for the Debug Console saying what happened.
 */
export async function injectRuntime(
  cdp: CdpClient,
  preloadPath: string,
  runtime: Partial<RuntimeConfig>,
): Promise<string> {
  // Node's command-line API has `require` (resolving from the cwd); a CommonJS main module has
  // its own. The runtime guards itself against loading twice.
  const expression = `(() => {
    const load = typeof require === 'function' ? require
      : process.mainModule ? process.mainModule.require.bind(process.mainModule) : undefined;
    if (!load) return 'no-require';
    if (globalThis[Symbol.for('cinescope.runtime')]) return 'present';
    process.env[${JSON.stringify(CONFIG_ENV)}] = ${JSON.stringify(JSON.stringify(runtime))};
    load(${JSON.stringify(preloadPath)});
    return 'loaded';
  })()`;
  try {
    const { result, exceptionDetails } = await cdp.Runtime.evaluate({
      expression,
      includeCommandLineAPI: true,
      returnByValue: true,
      silent: true,
    });
    if (exceptionDetails) {
      const reason = exceptionDetails.exception?.description ?? exceptionDetails.text;
      return `Cinescope could not load its runtime into the program (${reason.split('\n')[0]}); debugging works, nothing is recorded.`;
    }
    if (result.value === 'no-require') {
      return 'Cinescope could not load its runtime: the program has no `require` to load it with; debugging works, nothing is recorded.';
    }
    if (result.value === 'present') {
      return "Cinescope's runtime was already loaded in the program; its events go where it was told when it started.";
    }
    return "Cinescope's runtime is loaded into the program: events from now on are recorded (modules loaded before attaching are not instrumented).";
  } catch (error) {
    return `Cinescope could not load its runtime into the program (${(error as Error).message}).`;
  }
}

/** How long a terminated program may take to end before it is killed. */
const KILL_AFTER_MS = 5000;

/**
 * Asks the launched program to end: SIGTERM, so that the runtime sends its last events, then
 * SIGKILL if it is still there after a while. False when it has already ended.
 */
export async function stopProgram(child: ChildProcess, threads: DebugThread[]): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return false;
  // A paused program cannot run its signal handlers: let every thread go first.
  await releaseThreads(threads);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
  child.once('exit', () => clearTimeout(timer));
  return true;
}

/** No more pauses: every thread runs on (before detaching or terminating). */
export async function releaseThreads(threads: DebugThread[]): Promise<void> {
  for (const thread of threads) {
    await thread.cdp.Debugger.setSkipAllPauses({ skip: true }).catch(() => {});
    await thread.cdp.Debugger.resume({}).catch(() => {});
  }
}
