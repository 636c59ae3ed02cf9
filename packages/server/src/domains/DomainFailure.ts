import type { ErrorCode } from '@liveline/protocol';

/** Why a domain refused an operation: an error code, a message and the field at fault. */
export interface DomainFailure {
  readonly ok: false;
  readonly error: {
    readonly code: ErrorCode;
    readonly message: string;
    readonly field: string | null;
  };
}

/** Builds a {@link DomainFailure}. */
export const domainFailure = (
  code: ErrorCode,
  message: string,
  field: string | null = null,
): DomainFailure => ({
  ok: false,
  error: { code, message, field },
});
