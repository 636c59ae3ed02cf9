import { randomUUID } from 'node:crypto';

/**
 * A fresh history incarnation id: storage gives one to every room it creates (rule R1). Its 32
 * random bits are a v4 UUID's first 8 hex digits: `randomUUID` draws from a cached entropy pool,
 * where `randomBytes` calls into OpenSSL each time (the PostgreSQL append makes one per call).
 */
export const createEpoch = (): string => `e${Date.now().toString(36)}${randomUUID().slice(0, 8)}`;
