// The production entry point (npm start, the image): sizes libuv's threadpool, then starts the server.
// UV_THREADPOOL_SIZE is read once, when the pool starts, which is the first asynchronous file read, DNS lookup
// or crypto job. Node's ESM loader reads modules with asynchronous file reads, so an ES module is already too
// late to set it: this file is CommonJS (loaded with synchronous reads) and sets it before importing anything.
// Size: password hashing holds at most half the cores' worth of threads (domain/hashing-queue.ts); the pool gets
// one thread per core plus libuv's default 4, so DNS lookups (database and Redis reconnects), file reads (the
// storefront) and zlib never queue behind a burst of sign-ups. An operator's own setting wins.
import { availableParallelism } from 'node:os';

process.env.UV_THREADPOOL_SIZE ??= String(availableParallelism() + 4);

import('./server.js').catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
