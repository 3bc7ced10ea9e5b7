/** What the PostgreSQL bench's runner and its Haven step process both need. */

/** The environment variable that hands the Haven step its connection (JSON, as a secret would hold it). */
export const BENCH_CONNECTION_ENV = 'HAVEN_BENCH_POSTGRES';
