import { describe, expect, expectTypeOf, it } from 'vitest';
import type { RouteParams, WsRoute } from './routes.js';
import { routePath, routes } from './routes.js';
import type { Infer } from './schema.js';
import type { Action } from './scopes.js';
import type { HttpRoute } from './httpRoutes.js';
import { readQuery } from './queryParams.js';
import type { ClientMessage, MessagePermissions, ServerMessage } from './wsMessages.js';
import { wsMessages } from './wsMessages.js';
import type { WsRouteName } from './wsRoutes.js';
import { wsRoutes, wsUrl } from './wsRoutes.js';

describe('typed routes', () => {
  it('P2 makes an unknown route a compile error', () => {
    // @ts-expect-error '/ws/nope' is not in the route table
    wsUrl('http://h', 'nope');
    // @ts-expect-error 'health' is an HTTP endpoint, not a WebSocket route
    wsUrl('http://h', 'health');
    expectTypeOf<WsRouteName>().toEqualTypeOf<
      'workflow' | 'coordinator' | 'agent' | 'board' | 'general' | 'transport' | 'clock'
    >();
  });

  it('P2 requires exactly the path params of the route', () => {
    expectTypeOf<RouteParams<'workflow'>>().toEqualTypeOf<{ id: string }>();
    // @ts-expect-error the workflow route needs its id
    wsUrl('http://h', 'workflow');
    // @ts-expect-error the param is called id, not workflow_id
    wsUrl('http://h', 'workflow', { params: { workflow_id: 'w' } });
    // @ts-expect-error params must be strings
    routePath('agent', { name: 3 });
    expectTypeOf(wsUrl('http://h', 'clock')).toBeString();
  });

  it('C1 types client commands and rejects a wrong field type at compile time', () => {
    const seek: ClientMessage<'transport'> = { type: 'seek', time_seconds: 1 };
    expectTypeOf(seek).toMatchTypeOf<ClientMessage<'transport'>>();
    // @ts-expect-error time_seconds is a number
    const wrong: ClientMessage<'transport'> = { type: 'seek', time_seconds: '1' };
    // @ts-expect-error the clock route takes no transport commands
    const notHere: ClientMessage<'clock'> = { type: 'play' };
    expectTypeOf([wrong, notHere]).toBeArray();
  });

  it('R2 narrows server messages by type', () => {
    const handle = (message: ServerMessage<'workflow'>) => {
      if (message.type === 'stage.completed') expectTypeOf(message.data.artifact.kind).toBeString();
      if (message.type === 'snapshot') expectTypeOf(message.seq).toBeNumber();
    };
    expectTypeOf(handle).toBeFunction();
    // @ts-expect-error board events carry a numeric seq
    const bad: ServerMessage<'board'> = {
      type: 'card.deleted',
      seq: '1',
      epoch: 'e',
      data: { op_id: null, card_id: 'c' },
    };
    expectTypeOf(bad).not.toBeNever();
  });

  it("P1 the server-facing table keeps each route's validators, typed as in wsMessages", () => {
    expectTypeOf(routes.board.client).toEqualTypeOf(wsMessages.board.client);
    expectTypeOf<Infer<typeof routes.workflow.server>>().toEqualTypeOf<ServerMessage<'workflow'>>();
    expectTypeOf<Infer<typeof routes.transport.client>>().toEqualTypeOf<
      ClientMessage<'transport'>
    >();
    expectTypeOf(routes.clock.path).toEqualTypeOf<'/ws/transport/clock'>();
    expectTypeOf(routes.agent).toMatchTypeOf<WsRoute>();
    // @ts-expect-error the addressing table a client bundles carries no validators
    expectTypeOf(wsRoutes.board.server).toBeFunction();
  });

  it('R3 an ordered route reads epoch and seq from its query, typed; one without them is a compile error', () => {
    expectTypeOf(routes.board.delivery).toEqualTypeOf<'ordered'>();
    expectTypeOf(routes.clock.delivery).toEqualTypeOf<'latest'>();
    const route: WsRoute = routes.workflow;
    if (route.delivery === 'ordered') {
      const { epoch, seq } = readQuery(route.query, new URLSearchParams());
      expectTypeOf(epoch).toEqualTypeOf<string | undefined>();
      expectTypeOf(seq).toEqualTypeOf<number | undefined>();
    }
    // @ts-expect-error an ordered route's query must carry the resume params
    const unreadable: WsRoute = { ...routes.workflow, query: {} };
    // @ts-expect-error a route that reads no resume params cannot be ordered
    const ordered: WsRoute = { ...routes.agent, delivery: 'ordered' };
    expectTypeOf([unreadable, ordered]).not.toBeNever();
  });

  it('A5 a client message or an HTTP route without its permission is a compile error', () => {
    // @ts-expect-error presence.update and the board operations have no action
    const partial: MessagePermissions<ClientMessage<'board'>> = { time_sync: 'read' };
    expectTypeOf(partial).not.toBeNever();
    expectTypeOf(routes.transport.messages.seek).toEqualTypeOf<Action>();
    expect(routes.transport.messages.seek).toBe('control');
    // @ts-expect-error an HTTP route without a permission
    const endpoint: HttpRoute = {
      kind: 'http',
      method: 'GET',
      path: '/x',
      params: {},
      request: null,
      response: (input: unknown) => input,
    };
    expectTypeOf(endpoint).not.toBeNever();
  });
});
