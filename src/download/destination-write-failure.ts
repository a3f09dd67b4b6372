/**
 * Writing to the destination failed (disk full, permission, a caller's stream erroring).
 * Wrapping it is how a failed pipeline tells a disk error from a network one, since
 * pipeline destroys every stream with the first error whichever stream raised it.
 */
export class DestinationWriteFailure extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}
