/**
 * PostgreSQL settings every embedded database opens with (issue 15). PGlite's default
 * shared_buffers is 128 MB of WebAssembly memory, touched at start: half of an idle embedded
 * server's RSS. The embedded mode serves one installation's demo or small deployment through one
 * connection, and its data files are read through the OS page cache anyway, so 16 MB loses little
 * (measured in docs/benchmarks.md: bare PGlite reopen 313 → 160 MB RSS). A plain module: the
 * database thread (pglite-worker.ts) imports it without the rest of the server.
 */
export const PGLITE_CONF: string[] = ['shared_buffers = 16MB'];
