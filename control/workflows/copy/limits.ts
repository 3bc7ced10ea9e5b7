/**
 * How much one Copy to vault invocation copies (one owner). A copy runs in
 * one Lambda invocation (15 minutes at most): it reads at most the backup's
 * plaintext bytes from the source (the chunks the copy vault lacks, each
 * sealed and compressed no larger), re-seals them and writes them to the copy
 * vault. At a conservative 40 MiB/s across regions that is about 34 GiB in
 * 15 minutes; the limit keeps a margin for the read-back verification.
 */
export const CopyLimits = {
  /** The largest backup (its `result.bytes_read`, plaintext) one invocation copies: 24 GiB. */
  maxBytesPerInvocation: 24 * 1024 ** 3,
} as const;
