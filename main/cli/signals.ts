// Live commands (capture, insights) end their capture on Ctrl-C or SIGTERM
// and must let go of both handlers when done, or a later signal would call
// into a finished run instead of ending the process.

/** Calls `stop` on SIGINT and SIGTERM until the returned function is called. */
export function stopOnSignals(stop: () => void): () => void {
  const onSignal = () => stop();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
