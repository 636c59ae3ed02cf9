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
        onMessage(command) {
          const result = transport.command(command);
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
            connection.sendMessage({ type: 'ack', data: { op_id: command.op_id } });
        },
      };
    },
    transportGet: () => ({ status: 200, body: { state: transport.state() } }),
    transportCommand: ({ body }) => {
      const result = transport.command(body);
      return result.ok
        ? { status: 200, body: { state: result.state } }
        : { status: 400, error: result.error };
    },
  };
}
