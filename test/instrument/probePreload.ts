/**
 * Preloaded (`node --require`, after bundling to CommonJS) into child processes that run
 * instrumented programs: installs the recording test double with every site on and, when
 * `CINESCOPE_TEST_PROBES_OUT` names a file, writes a summary of what was recorded there at exit.
 */
import { writeFileSync } from 'node:fs';
import { createRecordingProbes, installProbes } from './recordingProbes';

const recording = createRecordingProbes();
installProbes(recording.registry);

const out = process.env.CINESCOPE_TEST_PROBES_OUT;
if (out) {
  process.on('exit', () => {
    const counts: Record<string, number> = {};
    for (const event of recording.events) counts[event.type] = (counts[event.type] ?? 0) + 1;
    writeFileSync(out, JSON.stringify({ counts, problems: recording.problems.slice(0, 20) }));
  });
}
