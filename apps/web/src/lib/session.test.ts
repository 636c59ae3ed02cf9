import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  adoptTokenFromUrl,
  currentToken,
  readSession,
  reloadOnInviteLink,
  sessionAllows,
  sessionOf,
  staySignedIn,
  switchSession,
} from './session';

/** base64url of the UTF-8 JSON, as a JWT encodes it. */
const part = (value: unknown) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
/** An unsigned look-alike: the page reads claims, only the server verifies them. */
const token = (claims: Record<string, unknown>) =>
  `${part({ alg: 'HS256' })}.${part(claims)}.signature`;

beforeEach(() => {
  sessionStorage.clear();
  window.history.replaceState(null, '', '/board');
});

describe('session', () => {
  it('A9 an invite link’s #token= is kept in sessionStorage and removed from the address bar', () => {
    const t = token({ sub: 'ann', exp: Date.now() / 1000 + 60, scope: 'board:*:read' });
    window.history.replaceState(null, '', `/board?board=b1#token=${t}`);
    expect(adoptTokenFromUrl()).toBeNull();
    expect(window.location.href).toBe(`${window.location.origin}/board?board=b1`);
    expect(currentToken()).toBe(t);
  });

  it('A9 an invite link for another subject than the signed-in one is a question, not adopted until the user agrees; it leaves the address bar at once', () => {
    const alice = token({ sub: 'alice', name: 'Alice', exp: Date.now() / 1000 + 60 });
    const bob = token({ sub: 'bob', name: 'Bob', exp: Date.now() / 1000 + 60 });
    sessionStorage.setItem('liveline.token', alice);
    window.history.replaceState(null, '', `/board#token=${bob}`);

    expect(adoptTokenFromUrl()).toEqual({ token: bob, offered: 'Bob', current: 'Alice' });
    expect([currentToken(), window.location.hash]).toEqual([alice, '']);

    const reload = vi.fn();
    switchSession(bob, reload);
    expect([currentToken(), reload.mock.calls.length]).toEqual([bob, 1]);
  });

  it('A9 a question not answered is asked again after a reload, and not once the user stayed or switched', () => {
    const alice = token({ sub: 'alice', name: 'Alice', exp: Date.now() / 1000 + 60 });
    const bob = token({ sub: 'bob', name: 'Bob', exp: Date.now() / 1000 + 60 });
    sessionStorage.setItem('liveline.token', alice);
    window.history.replaceState(null, '', `/board#token=${bob}`);
    const asked = { token: bob, offered: 'Bob', current: 'Alice' };
    expect(adoptTokenFromUrl()).toEqual(asked);

    expect(adoptTokenFromUrl()).toEqual(asked);
    expect([currentToken(), window.location.href]).toEqual([
      alice,
      `${window.location.origin}/board`,
    ]);
    staySignedIn();
    expect(adoptTokenFromUrl()).toBeNull();

    window.history.replaceState(null, '', `/board#token=${bob}`);
    expect(adoptTokenFromUrl()).toEqual(asked);
    switchSession(bob, () => {});
    expect(adoptTokenFromUrl()).toBeNull();
    expect(currentToken()).toBe(bob);
  });

  it('A9 B1 a question left unanswered while the session expired is dropped at the reload, never adopted unasked', () => {
    const alice = token({ sub: 'alice', name: 'Alice', exp: Date.now() / 1000 + 60 });
    const bob = token({ sub: 'bob', name: 'Bob', exp: Date.now() / 1000 + 600 });
    sessionStorage.setItem('liveline.token', alice);
    window.history.replaceState(null, '', `/board#token=${bob}`);
    expect(adoptTokenFromUrl()).not.toBeNull();

    const later = Date.now() + 120_000;
    expect(adoptTokenFromUrl(later)).toBeNull();
    expect(currentToken(later)).toBeNull();
    expect(adoptTokenFromUrl()).toBeNull();
    expect(currentToken()).toBe(alice);
  });

  it('A9 a link naming another subject by the signed-in name asks with both subjects; a link the page cannot read never replaces a valid session', () => {
    const alice = token({ sub: 'alice', name: 'Alice', exp: Date.now() / 1000 + 60 });
    sessionStorage.setItem('liveline.token', alice);
    const impostor = token({ sub: 'mallory', name: 'Alice', exp: Date.now() / 1000 + 60 });
    window.history.replaceState(null, '', `/board#token=${impostor}`);
    expect(adoptTokenFromUrl()).toMatchObject({
      offered: 'Alice (mallory)',
      current: 'Alice (alice)',
    });

    window.history.replaceState(null, '', '/board#token=not-a-token');
    expect(adoptTokenFromUrl()).toBeNull();
    expect(currentToken()).toBe(alice);
  });

  it('A9 an invite link for the signed-in subject, or after the session expired, is adopted without asking', () => {
    sessionStorage.setItem('liveline.token', token({ sub: 'ann', exp: Date.now() / 1000 + 60 }));
    const renewed = token({ sub: 'ann', exp: Date.now() / 1000 + 600 });
    window.history.replaceState(null, '', `/board#token=${renewed}`);
    expect(adoptTokenFromUrl()).toBeNull();
    expect(currentToken()).toBe(renewed);

    sessionStorage.setItem('liveline.token', token({ sub: 'ann', exp: Date.now() / 1000 - 1 }));
    const other = token({ sub: 'bob', exp: Date.now() / 1000 + 60 });
    window.history.replaceState(null, '', `/board#token=${other}`);
    expect(adoptTokenFromUrl()).toBeNull();
    expect(currentToken()).toBe(other);
  });

  it('B1 an invite link opened in the page reloads it, and until then the page offers the token it started with, so nothing it holds goes as the new subject', async () => {
    const alice = token({ sub: 'alice', exp: Date.now() / 1000 + 60 });
    sessionStorage.setItem('liveline.token', alice);
    const reload = vi.fn();
    const stop = reloadOnInviteLink(reload);

    window.location.hash = `token=${token({ sub: 'bob', exp: Date.now() / 1000 + 60 })}`;

    await vi.waitFor(() => expect(reload).toHaveBeenCalledOnce());
    expect(currentToken()).toBe(alice);
    stop();
  });

  it('A10 an expired token is no token: the client signs out instead of offering it', () => {
    sessionStorage.setItem('liveline.token', token({ sub: 'ann', exp: Date.now() / 1000 - 1 }));
    expect(readSession()?.name).toBe('ann');
    expect(currentToken()).toBeNull();
  });

  it('A4 the session names its holder and decides view only from the scope; no session allows all', () => {
    const session = sessionOf(token({ sub: 'u1', name: 'Zoë', exp: 1, scope: 'board:b1:read' }));
    expect(session?.name).toBe('Zoë');
    expect(sessionAllows(session, 'board', 'b1', 'read')).toBe(true);
    expect(sessionAllows(session, 'board', 'b1', 'write')).toBe(false);
    expect(sessionAllows(null, 'transport', '*', 'control')).toBe(true);
    expect(sessionOf('not-a-jwt')).toBeNull();
  });
});
