/**
 * The `cinescope` command line. Every expected failure ends as one sentence on stderr and a
 * non-zero exit; only a bug prints a stack.
 */
import { parseArgs } from 'node:util';
import { TraceError } from '../tracedb/errors';
import { dap } from './dap';
import { query, stats, timeline } from './inspect';
import { instrumentTree } from './instrument';
import { record } from './record';
import { CliError, USAGE, UsageError } from './usage';
import { view } from './view';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'record':
      return record(parseRecord(rest));
    case 'stats': {
      const { values, positionals } = parse(rest, { json: { type: 'boolean' } });
      process.stdout.write(await stats(oneFile(positionals, 'stats'), Boolean(values.json)));
      return 0;
    }
    case 'timeline': {
      const { values, positionals } = parse(rest, { width: { type: 'string' } });
      const width = values.width === undefined ? 64 : Number(values.width);
      if (!Number.isInteger(width) || width < 10 || width > 400) {
        throw new UsageError('--width must be a whole number of columns from 10 to 400.');
      }
      process.stdout.write(await timeline(oneFile(positionals, 'timeline'), width));
      return 0;
    }
    case 'instrument': {
      const { values, positionals } = parse(rest, { out: { type: 'string' } });
      if (positionals.length !== 1 || typeof values.out !== 'string') {
        throw new UsageError('instrument takes one file or folder and --out FOLDER.');
      }
      const report = instrumentTree(positionals[0], values.out);
      for (const warning of report.warnings) process.stderr.write(`cinescope: warning: ${warning}\n`);
      process.stdout.write(
        `cinescope: instrumented ${report.instrumented} files (${report.sites} functions and classes), ` +
          `copied ${report.copied} into ${values.out}\n`,
      );
      return 0;
    }
    case 'query': {
      const { values, positionals } = parse(rest, { json: { type: 'boolean' }, sql: { type: 'string' } });
      if (typeof values.sql !== 'string') throw new UsageError('query needs --sql "SELECT ...".');
      process.stdout.write(await query(oneFile(positionals, 'query'), values.sql, Boolean(values.json)));
      return 0;
    }
    case 'view': {
      const { values, positionals } = parse(rest, {
        'no-open': { type: 'boolean' },
        port: { type: 'string' },
      });
      const port = values.port === undefined ? undefined : Number(values.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
        throw new UsageError('--port must be a port number from 0 to 65535.');
      }
      return view(oneFile(positionals, 'view'), { open: !values['no-open'], port });
    }
    case 'dap':
      if (rest.length) throw new UsageError('dap takes no arguments: it speaks DAP on stdin and stdout.');
      return dap();
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE + '\n');
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`Unknown command '${command}'.`);
  }
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

function parse(args: string[], options: OptionSpec) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function oneFile(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one trace file.`);
  return positionals[0];
}

/** `record` options end at `--` or at the first word that is not an option: the command. */
function parseRecord(args: string[]) {
  const dash = args.indexOf('--');
  const firstWord = args.findIndex((a, i) => !a.startsWith('-') && !isOptionValue(args, i));
  const split = dash >= 0 ? dash : firstWord >= 0 ? firstWord : args.length;
  const { values, positionals } = parse(args.slice(0, split), {
    out: { type: 'string' },
    overflow: { type: 'string' },
    'metrics-interval': { type: 'string' },
    trace: { type: 'string', multiple: true },
    state: { type: 'string', multiple: true },
    reducer: { type: 'string', multiple: true },
  });
  if (positionals.length) throw new UsageError(`Unexpected '${positionals[0]}' before the command.`);
  const overflow = values.overflow as string | undefined;
  if (overflow !== undefined && overflow !== 'drop-newest' && overflow !== 'drop-oldest') {
    throw new UsageError('--overflow must be drop-newest or drop-oldest.');
  }
  const interval = values['metrics-interval'] as string | undefined;
  if (interval !== undefined && !/^\d+$/.test(interval)) {
    throw new UsageError('--metrics-interval must be a number of milliseconds (0 turns metrics off).');
  }
  return {
    out: values.out as string | undefined,
    overflow: overflow as 'drop-newest' | 'drop-oldest' | undefined,
    metricsIntervalMs: interval === undefined ? undefined : Number(interval),
    trace: (values.trace as string[] | undefined) ?? [],
    state: (values.state as string[] | undefined) ?? [],
    reducers: (values.reducer as string[] | undefined) ?? [],
    command: args.slice(dash >= 0 ? split + 1 : split),
  };
}

const VALUE_OPTIONS = new Set([
  '--out',
  '--overflow',
  '--metrics-interval',
  '--trace',
  '--state',
  '--reducer',
]);
function isOptionValue(args: string[], i: number): boolean {
  return i > 0 && VALUE_OPTIONS.has(args[i - 1]);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`cinescope: ${error.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (error instanceof TraceError || error instanceof CliError) {
      process.stderr.write(`cinescope: ${error.message}\n`);
      process.exitCode = 1;
    } else {
      // A bug of ours: say so, with the stack a developer needs.
      process.stderr.write(`cinescope: internal error: ${(error as Error)?.stack ?? error}\n`);
      process.exitCode = 70;
    }
  },
);
