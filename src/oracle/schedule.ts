/**
 * A drift-free periodic schedule: run n happens at start + n × interval, whatever each run
 * took, so the tick rate is exactly 1/updateInterval over hours (setInterval drifts later
 * on every run). When the process falls more than one interval behind, the missed slots are
 * skipped, as Go's time.Ticker (connect's) drops ticks.
 */
export function every(intervalMs: number, run: () => void, now: () => number = () => performance.now()): () => void {
  const start = now();
  let n = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    n += 1;
    const t = now();
    if (start + n * intervalMs < t - intervalMs) n = Math.floor((t - start) / intervalMs) + 1;
    timer = setTimeout(fire, Math.max(0, start + n * intervalMs - t));
  };
  const fire = () => {
    try {
      run();
    } finally {
      schedule();
    }
  };
  schedule();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
