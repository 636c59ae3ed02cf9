import type { Broker } from '../rooms/Broker.js';
import {
  TRANSPORT_ROOMS,
  type TransportDomain,
} from '../domains/transport/createTransportDomain.js';
import type { RouteHandlers } from '../transport/RouteHandlers.js';
import { joinLatestRoom } from './joinRooms.js';

/** Handlers of the DAW routes: `/ws`, `/ws/transport`, `/ws/transport/clock` and `/api/transport`. */
export function transportRoutes(
  broker: Broker,
  transport: TransportDomain,
): Pick<RouteHandlers, 'general' | 'transport' | 'clock' | 'transportGet' | 'transportCommand'> {
  return {
    general: ({ connection }) => {
      joinLatestRoom(broker, TRANSPORT_ROOMS.state, connection);
      return {};
    },
    clock: ({ connection }) => {
      joinLatestRoom(broker, TRANSPORT_ROOMS.clock, connection);
      return {};
    },
    transport: ({ connection }) => {
      joinLatestRoom(broker, TRANSPORT_ROOMS.state, connection);
      return {
        async onMessage(command) {
          const result = await transport.command(command);
          if (!result.ok) {
            const { field, ...rest } = result.error;
            connection.sendError({
              ...rest,
              ...(field ? { field } : {}),
              ...(command.op_id ? { op_id: command.op_id } : {}),
            });
            return;
          }
          if (command.op_id)
            connection.sendMessage({
              type: 'ack',
              data: { op_id: command.op_id, ...(result.duplicate ? { duplicate: true } : {}) },
            });
        },
      };
    },
    transportGet: () => ({ status: 200, body: { state: transport.state() } }),
    transportCommand: async ({ body }) => {
      const result = await transport.command(body);
      if (result.ok)
        return {
          status: 200,
          body: { state: result.state, ...(result.duplicate ? { duplicate: true } : {}) },
        };
      return { status: result.error.code === 'unavailable' ? 503 : 400, error: result.error };
    },
  };
}
