/**
 * A real VS Code (code-server's bundled VS Code 1.100) on loopback with a throw-away profile, in its
 * own process group so that stopping it takes its extension hosts, debug adapters and debuggees
 * with it. It asks for a random per-session password: loopback alone would hand every local user a
 * VS Code with a terminal for as long as the run lasts.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface Profile {
  /** Holds everything the run writes outside the repository; removed by the caller. */
  root: string;
  userDataDir: string;
  extensionsDir: string;
}

export function makeProfile(root: string): Profile {
  const profile = { root, userDataDir: join(root, 'user-data'), extensionsDir: join(root, 'extensions') };
  mkdirSync(profile.userDataDir, { recursive: true });
  mkdirSync(profile.extensionsDir, { recursive: true });
  mkdirSync(join(profile.userDataDir, 'User'), { recursive: true });
  // A quiet first start: no walkthrough tab over the editor, no network for updates or telemetry.
  writeFileSync(
    join(profile.userDataDir, 'User/settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'update.mode': 'none',
    }),
  );
  return profile;
}

/** Environment that keeps code-server off the user's config and off the network. */
function environment(profile: Profile): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: join(profile.root, 'config'),
    XDG_DATA_HOME: join(profile.root, 'data'),
    // An empty gallery: without it VS Code tries to reach the marketplace.
    EXTENSIONS_GALLERY: '{}',
  };
  // Only start() sets the session's password; one from the caller's environment must not leak in.
  delete env.PASSWORD;
  delete env.HASHED_PASSWORD;
  return env;
}

function profileArgs(profile: Profile): string[] {
  return ['--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir];
}

/** Installs a packaged extension into the profile with code-server's own `--install-extension`. */
export function installExtension(entry: string, profile: Profile, vsix: string): void {
  const result = spawnSync(process.execPath, [entry, ...profileArgs(profile), '--install-extension', vsix], {
    env: environment(profile),
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) {
    throw new Error(`code-server --install-extension ${vsix} failed:\n${result.stdout}${result.stderr}`);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export class CodeServer {
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    /** The login page's password for this session only (code-server reads it from $PASSWORD). */
    readonly password: string,
  ) {
    child.once('exit', () => (this.exited = true));
  }

  /** Starts code-server and waits for `/healthz`; its output goes to `logFile`. */
  static async start(entry: string, profile: Profile, logFile: string): Promise<CodeServer> {
    const port = await freePort();
    const password = randomBytes(24).toString('base64url');
    const log = createWriteStream(logFile);
    const child = spawn(
      process.execPath,
      [
        entry,
        '--auth',
        'password',
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        ...profileArgs(profile),
      ],
      // detached: setsid(), so the whole tree can be signalled as one group.
      // The password goes in the environment, not argv, where `ps` would show it to other users.
      {
        env: { ...environment(profile), PASSWORD: password },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const server = new CodeServer(child, port, password);
    // A harness that dies any other way still takes the group with it.
    process.once('exit', () => server.killGroup('SIGKILL'));
    try {
      await server.waitHealthy(60_000);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private async waitHealthy(timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (this.exited) throw new Error('code-server exited while starting; see code-server.log');
      try {
        const response = await fetch(`${this.url}/healthz`);
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`code-server did not answer /healthz within ${timeoutMs / 1000} s`);
  }

  private killGroup(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // The group is gone already.
    }
  }

  /** Whether any process of the group is still alive. */
  private groupAlive(): boolean {
    if (this.child.pid === undefined) return false;
    try {
      process.kill(-this.child.pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * SIGTERM to the group, SIGKILL after 5 s. Resolves to the empty string when every process of
   * the group is gone, else to a sentence saying that some are left.
   */
  async stop(): Promise<string> {
    this.killGroup('SIGTERM');
    let end = Date.now() + 5_000;
    while (!this.exited && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    // Debuggees and extension hosts that ignored SIGTERM go too.
    this.killGroup('SIGKILL');
    end = Date.now() + 5_000;
    while (this.groupAlive() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    return this.groupAlive() ? `processes of code-server's group ${this.child.pid} survived SIGKILL` : '';
  }
}
