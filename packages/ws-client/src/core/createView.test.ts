import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeEnvironment } from '../test-utils/fakeEnvironment.js';
import { createClient } from './createClient.js';
import { createView } from './createView.js';
import { reduceCoordinator } from './latestViews.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('view', () => {
  it('gives each subscription its own token: a stale unsubscribe never removes a newer one', () => {
    const { env, latest } = createFakeEnvironment();
    const channel = createClient({ origin: 'http://h:1', environment: env }).channel('coordinator');
    const view = createView(channel, reduceCoordinator, null);
    const heard = vi.fn();
    const stale = view.subscribe(heard);
    stale();
    view.subscribe(heard);
    stale();
    latest().accept();
    latest().receive({ type: 'metrics', data: { workflows: 1 } });
    expect(heard).toHaveBeenCalledTimes(1);
    expect(view.getState()).toEqual({ workflows: 1 });
  });
});
