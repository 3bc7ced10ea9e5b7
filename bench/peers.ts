/**
 * The peers the bench compares Haven with, and the one place their versions
 * are pinned. Each is built from its registry into a project-local folder
 * (`.haven/tools/<name>-<version>/bin/<name>`, ignored by git) the first
 * time the bench needs it on a machine; `install.ts` does the building.
 */
import { join } from 'node:path';
import { repoRoot } from '../local/emulator/paths.js';

/** Pinned peer versions. */
export const PEER_VERSIONS = {
  /** restic, built with `go install` from the Go module proxy. */
  restic: '0.18.1',
  /** rustic (crate `rustic-rs`), built with `cargo install` from crates.io. */
  rustic: '0.11.4',
} as const;

/** A peer's name. */
export type PeerName = keyof typeof PEER_VERSIONS;

/** Where the project keeps a peer's build: `--root` for cargo, the parent of `GOBIN` for go. */
export function peerRoot(peer: PeerName): string {
  return join(repoRoot, '.haven', 'tools', `${peer}-${PEER_VERSIONS[peer]}`);
}

/** The project-local binary of a peer (present once built). */
export function peerBinary(peer: PeerName): string {
  return join(peerRoot(peer), 'bin', peer);
}
