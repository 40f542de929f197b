// Bounds a test's wait on something that must not hang: the answer, or a clear "still waiting" failure.
export class StillWaiting extends Error {
  constructor(what: string, ms: number) {
    super(`${what} was still waiting after ${ms} ms (it must answer, even if only with an error, within that)`);
    this.name = 'StillWaiting';
  }
}

export async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StillWaiting(what, ms)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `probe` every `everyMs` until it returns true; false if `ms` ran out first. */
export async function eventually(ms: number, probe: () => Promise<boolean>, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await probe().catch(() => false)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
