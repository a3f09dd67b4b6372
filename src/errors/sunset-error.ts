import { ShimError } from './shim-error.js';

/**
 * The tenant (shared-tier) endpoint was asked for at or after its sunset, and the caller
 * did not opt in with `allowSunsetEndpoint: true`. Use the `flex` or `auto` route instead.
 */
export class SunsetError extends ShimError {
  /** The sunset instant in force. */
  readonly sunsetDate: Date;
  /** The time of the decision. */
  readonly at: Date;

  constructor(sunsetDate: Date, at: Date) {
    super(
      `The shared-tier tenant snapshot endpoint was sunset on ${sunsetDate.toISOString()} (now ${at.toISOString()}); ` +
        `route 'tenant' is refused. Use route 'auto' or 'flex' (downloadFlexBackup), or set allowSunsetEndpoint: true to call it anyway.`,
      'SUNSET',
    );
    this.sunsetDate = sunsetDate;
    this.at = at;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), sunsetDate: this.sunsetDate.toISOString(), at: this.at.toISOString() };
  }
}
