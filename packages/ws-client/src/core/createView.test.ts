import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeEnvironment } from '../test-utils/fakeEnvironment.js';
import { createClient } from './createClient.js';
import { createView } from './createView.js';
import { reduceCoordinator } from './latestViews.js';
import { EMPTY_WORKFLOW, reduceWorkflow } from './workflowView.js';

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

  it('R9 applies the events that come while it has no listener and another holder keeps the channel open: each once, no gap', async () => {
    const { env, latest } = createFakeEnvironment();
    const channel = createClient({ origin: 'http://h:1', environment: env }).channel('workflow', {
      params: { id: 'w1' },
    });
    const view = createView(channel, reduceWorkflow, EMPTY_WORKFLOW);
    const event = (seq: number) => ({
      type: 'stage.progress',
      seq,
      epoch: 'e',
      data: { workflow_id: 'w1', at: seq, stage: 'script', progress: seq },
    });
    const unwatch = view.subscribe(() => {});
    channel.subscribe(() => {}); // another holder, as a connection badge
    latest().accept();
    latest().receive({
      type: 'snapshot',
      seq: 0,
      epoch: 'e',
      data: { workflow_id: 'w1', workflow: null },
    });
    unwatch();
    await Promise.resolve();
    latest().receive(event(1));
    view.subscribe(() => {});
    latest().receive(event(2));
    expect(view.getState().events.map((e) => e.seq)).toEqual([1, 2]);
  });
});
