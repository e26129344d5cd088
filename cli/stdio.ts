/**
 * process.exit() drops whatever stdout still holds in memory: into a pipe whose reader is slower
 * than we are (`oilwire sql ... | head`, `| less`, a slow consumer) libuv queues what the pipe
 * cannot take yet, and exiting then cuts the result short. A command therefore waits until both
 * streams have flushed; a reader that went away (EPIPE) ends the command quietly, as it would end
 * `cat`, instead of with a stack trace.
 */

function flushed(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed || stream.writableEnded) return Promise.resolve();
  // Writes complete in order: the callback of an empty write runs after everything before it.
  return new Promise((resolve) => {
    stream.write('', () => resolve());
  });
}

/** Resolves once stdout and stderr have handed everything to the OS (or their reader is gone). */
export async function flushStdio(): Promise<void> {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
}

let installed = false;

/** A closed pipe on stdout ends the program with the exit code it had so far, and nothing on stderr. */
export function quietOnClosedPipe(): void {
  if (installed) return;
  installed = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
