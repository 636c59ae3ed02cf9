import { randomBytes } from 'node:crypto';

/** A fresh history incarnation id: storage gives one to every room it creates (rule R1). */
export const createEpoch = (): string =>
  `e${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
