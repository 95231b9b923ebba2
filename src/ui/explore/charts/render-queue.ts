/**
 * Charts are drawn one per page task: when several aggregates arrive together (or the window is
 * resized), each Observable Plot render gets its own task instead of one long one, so that the
 * page stays responsive.
 */
interface Job {
  run: () => void;
  cancelled: boolean;
}

const queue: Job[] = [];
let scheduled = false;

function pump(): void {
  scheduled = false;
  let job = queue.shift();
  while (job && job.cancelled) job = queue.shift();
  job?.run();
  if (queue.length > 0) schedule();
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setTimeout(pump, 0);
}

/** Runs `run` in a later task, after the renders queued before it. Returns a function that cancels it. */
export function queueRender(run: () => void): () => void {
  const job: Job = { run, cancelled: false };
  queue.push(job);
  schedule();
  return () => {
    job.cancelled = true;
  };
}
