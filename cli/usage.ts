/** Usage errors: the CLI prints the sentence and the usage, and exits 2. */
export class UsageError extends Error {}

/** Expected failures (a command that cannot run, a missing build): the sentence, exit 1. */
export class CliError extends Error {}

export const USAGE = `Usage:
  cinescope record [--out FILE] [--trace GLOB]... [--state CLASS]... [--reducer NAME]... [--overflow drop-newest|drop-oldest]
                   [--metrics-interval MS] -- <command> [args...]
      Runs the command with tracing, writes a trace file and prints a summary. --trace records
      every call of the functions in matching files (e.g. --trace 'src/**'); --state records
      the state of instances of the named classes (or of the subclasses of NAME, with
      --state extends:NAME) before and after each of their methods;
      --reducer records the state a reducer (state, action) => newState takes in and gives back.
  cinescope stats FILE [--json]
      Prints what a trace file holds.
  cinescope timeline FILE [--width COLUMNS]
      Shows each thread as a lane over time: starts, spawns, messages, errors, exits.
  cinescope view FILE [--no-open] [--port PORT]
      Serves the timeline of a trace file on 127.0.0.1 (a link with a random token) and opens it
      in a browser: lanes, calls, messages, state changes, errors and metrics over time.
  cinescope instrument <file-or-folder> --out FOLDER
      Writes instrumented copies with source maps, for build pipelines (node_modules left out).
  cinescope query FILE --sql "SELECT ..." [--json]
      Runs a read-only SQL query on a trace file.
  cinescope dap
      Runs the debug adapter on stdin and stdout (Debug Adapter Protocol), for nvim-dap, Emacs
      dap-mode and other DAP clients: debugs a Node program and records its trace meanwhile.
  cinescope help`;
