import { ValidationError, parse, type Schema } from './schema.js';
import { wsMessages, type ServerMessage } from './wsMessages.js';
import type { WsRouteName } from './wsRoutes.js';

/**
 * Serializes a message the server sends on route `R`. Its type is the route's, so a message the
 * route does not carry is a compile error; with `validate` (tests, development builds) it is also
 * checked against the route's schema, and a mismatch throws a {@link ValidationError} naming the
 * route and the field.
 */
export function encodeServerMessage<R extends WsRouteName>(
  route: R,
  message: ServerMessage<R>,
  validate = false,
): string {
  if (validate) {
    const schema: Schema<unknown> = wsMessages[route].server;
    const checked = parse(schema, message);
    if (!checked.ok)
      throw new ValidationError(
        checked.error.code,
        checked.error.field,
        `the ${route} route does not carry this server message (${checked.error.message})`,
        { cause: checked.error },
      );
  }
  return JSON.stringify(message);
}
