/** Base class of every error raised while installing or running the local AWS emulator. */
export class EmulatorError extends Error {
  override readonly name: string = 'EmulatorError';
}

/** Python is missing or too old to host the emulator's virtualenv. */
export class PythonNotFoundError extends EmulatorError {
  override readonly name = 'PythonNotFoundError';
}

/** The virtualenv or the pinned moto install is missing or broken. */
export class EmulatorNotInstalledError extends EmulatorError {
  override readonly name = 'EmulatorNotInstalledError';
}

/** The port asked for is already bound by another program. */
export class EmulatorPortInUseError extends EmulatorError {
  override readonly name = 'EmulatorPortInUseError';
  constructor(readonly port: number) {
    super(`port ${port} on 127.0.0.1 is already in use; choose another port or omit it to get a free one`);
  }
}

/** The server did not answer its health check in time, or exited while starting. */
export class EmulatorStartError extends EmulatorError {
  override readonly name = 'EmulatorStartError';
}
