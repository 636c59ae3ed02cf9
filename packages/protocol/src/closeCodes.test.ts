import { describe, expect, it } from 'vitest';
import {
  CLOSE_POLICY,
  CloseCode,
  closePolicy,
  closeReason,
  MAX_CLOSE_REASON_BYTES,
} from './closeCodes.js';

describe('close codes', () => {
  it('K1 gives every known code a policy and a meaning', () => {
    for (const code of Object.values(CloseCode)) {
      expect(CLOSE_POLICY[code].meaning.length).toBeGreaterThan(0);
    }
  });

  it.each([
    [CloseCode.NotFound, 'stop'],
    [CloseCode.Forbidden, 'stop'],
    [CloseCode.PolicyViolation, 'stop'],
    [CloseCode.MessageTooBig, 'stop'],
    [CloseCode.BadMessage, 'stop'],
    [CloseCode.UnsupportedVersion, 'stop'],
    [CloseCode.ServiceRestart, 'retry'],
    [CloseCode.TryAgainLater, 'retry'],
    [CloseCode.InternalError, 'retry'],
    [CloseCode.Abnormal, 'retry'],
    [CloseCode.TooManyRequests, 'retry'],
    [CloseCode.SequenceGap, 'retry'],
    [CloseCode.Unauthorized, 'retry'],
    [CloseCode.ResumeConflict, 'refresh'],
  ] as const)('K1 close %i means %s', (code, action) => {
    expect(closePolicy(code).action).toBe(action);
  });

  it('K4 marks only a service restart as coming straight back', () => {
    const restarting = Object.entries(CLOSE_POLICY).filter(([, policy]) => policy.restarting);
    expect(restarting.map(([code]) => Number(code))).toEqual([CloseCode.ServiceRestart]);
  });

  it('K2 stops on unknown application codes and retries on other unknown codes', () => {
    expect(closePolicy(4999).action).toBe('stop');
    expect(closePolicy(1014).action).toBe('retry');
  });

  it('K2 retries after the broken-frame closes the table leaves out: 1002 and 1007', () => {
    expect(Object.hasOwn(CLOSE_POLICY, 1002) || Object.hasOwn(CLOSE_POLICY, 1007)).toBe(false);
    expect(closePolicy(1002).action).toBe('retry');
    expect(closePolicy(1007).action).toBe('retry');
  });

  it('K3 cuts a close reason to 123 UTF-8 bytes without splitting a character', () => {
    const reason = closeReason('é'.repeat(100));
    expect(new TextEncoder().encode(reason).length).toBeLessThanOrEqual(MAX_CLOSE_REASON_BYTES);
    expect(reason).toBe('é'.repeat(61));
    expect(closeReason('short')).toBe('short');
    expect(closeReason('😀'.repeat(40))).toBe('😀'.repeat(30));
  });
});
