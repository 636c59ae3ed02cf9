import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { addressKey } from '../auth/addressKey.js';
import { checkHandshakeHeaders } from './checkHandshakeHeaders.js';
import { completeBareHandshake } from './completeBareHandshake.js';
import {
  capRejection,
  createConnectionCaps,
  type ConnectionCapLimits,
} from './createConnectionCaps.js';
import type { RequestPolicy } from './createRequestPolicy.js';
import { resolveUpgradeTarget, type Resolved, type UpgradeTarget } from './resolveUpgradeTarget.js';

/** What an upgrade is checked against before its token is. */
export interface UpgradeAdmissionOptions {
  /** `Host` and `Origin` checks shared with the HTTP API (rules O1, O3). */
  readonly policy: RequestPolicy;
  /** Total and per-IP caps on open sockets (rule L5). */
  readonly caps: ConnectionCapLimits;
  /** The client's address, through trusted proxies (rule L6). */
  readonly clientAddress: (req: IncomingMessage) => string;
}

/** An upgrade that holds a connection slot (rule L5). */
export interface AdmittedUpgrade extends UpgradeTarget {
  /** Gives the slot back before `socket` closes: the upgrade was refused after all. */
  readonly releaseSlot: () => void;
}

/** Checks an upgrade's origin, route, handshake headers and connection slot, holding the slot until `socket` closes. */
export type AdmitUpgrade = (req: IncomingMessage, socket: Duplex) => Resolved<AdmittedUpgrade>;

/** Creates the {@link AdmitUpgrade} of a gateway: its checks in order, the first failure wins. */
export function createUpgradeAdmission(options: UpgradeAdmissionOptions): AdmitUpgrade {
  const caps = createConnectionCaps(options.caps);
  return (req, socket) => {
    const refused = options.policy.check(req, true);
    if (refused) return { ok: false, rejection: refused };
    const target = resolveUpgradeTarget(req.url ?? '/');
    if (!target.ok) return target;
    completeBareHandshake(req);
    const problem = checkHandshakeHeaders(req);
    if (problem)
      return {
        ok: false,
        rejection: {
          status: problem.status,
          code: 'invalid_field',
          message: problem.message,
          field: problem.field,
          ...(problem.status === 426 ? { headers: { 'Sec-WebSocket-Version': '13' } } : {}),
        },
      };
    // Rule L5: a slot is held from here until the TCP socket closes, whatever ws does with it, or
    // until the gateway refuses the upgrade. An IPv6 host owns a /64: counted by it, it cannot
    // rotate through its addresses for more slots.
    const client = addressKey(options.clientAddress(req));
    const slot = caps.admit(client);
    if (!slot.ok) return { ok: false, rejection: capRejection(client, slot) };
    socket.once('close', slot.release);
    return { ...target, releaseSlot: slot.release };
  };
}
