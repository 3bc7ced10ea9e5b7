/**
 * The vault's `config` object: plaintext JSON that names the format version
 * and the vault's parameters. It holds no secret.
 */
import { VaultFormatError } from '../format/errors.js';
import { FORMAT_VERSION } from '../format/version.js';
/** Chunking algorithm name recorded in the config. */
export const CHUNKER_ALGORITHM = 'fastcdc-gear32-nc2';
/** Default target pack size: 16 MiB. */
export const DEFAULT_PACK_SIZE = 16 * 1024 * 1024;

/** Contents of `config`. */
export interface VaultConfig {
  format: 'haven-vault';
  version: typeof FORMAT_VERSION;
  id: string;
  created_at: string;
  chunker: { algorithm: typeof CHUNKER_ALGORITHM; min: number; avg: number; max: number };
  pack_size: number;
  cipher: 'aes-256-gcm';
  mac: 'hmac-sha256';
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

/**
 * Parses and validates a config object.
 * @throws VaultFormatError for another format, an unknown version or bad parameters
 */
export function parseConfig(bytes: Uint8Array): VaultConfig {
  let value: Partial<VaultConfig>;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<VaultConfig>;
  } catch (error) {
    throw new VaultFormatError('vault config is not JSON', { cause: error });
  }
  if (value.format !== 'haven-vault') throw new VaultFormatError('not a Haven vault config');
  if (value.version !== FORMAT_VERSION) {
    throw new VaultFormatError(`vault format version ${String(value.version)} is not supported (this engine reads version ${FORMAT_VERSION})`);
  }
  const c = value.chunker;
  if (!c || c.algorithm !== CHUNKER_ALGORITHM || !isPositiveInt(c.min) || !isPositiveInt(c.avg) || !isPositiveInt(c.max)) {
    throw new VaultFormatError('vault config has unknown chunker parameters');
  }
  if (!isPositiveInt(value.pack_size) || typeof value.id !== 'string' || !/^[0-9a-f]{32}$/.test(value.id)) {
    throw new VaultFormatError('vault config is missing its id or pack size');
  }
  if (value.cipher !== 'aes-256-gcm' || value.mac !== 'hmac-sha256') throw new VaultFormatError('vault config names an unknown cipher or MAC');
  return value as VaultConfig;
}
