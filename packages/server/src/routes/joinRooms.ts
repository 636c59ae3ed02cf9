import type { ResumePosition } from '@liveline/protocol';
import type { Broker } from '../rooms/Broker.js';
import { joinOrderedRoom } from '../rooms/joinOrderedRoom.js';
import type { Connection } from '../transport/Connection.js';

/** Subscribes a connection to a latest room: the current value at once, then every newer one. */
export function joinLatestRoom(broker: Broker, room: string, connection: Connection): void {
  const current = broker.latest(room);
  if (current !== undefined) connection.sendFrame(current);
  connection.joinRoom(
    room,
    broker.subscribe(room, (frame) => connection.sendFrame(frame)),
  );
}

/** Joins a connection to an ordered room (snapshot or resume, then live) and counts the resume. */
export function joinOrdered(
  broker: Broker,
  room: string,
  connection: Connection,
  resume: ResumePosition | null,
  snapshot: () => unknown,
): void {
  const { decision, leave } = joinOrderedRoom(broker, room, resume, snapshot, {
    sendMessage: (message) => connection.sendMessage(message),
    sendBacklog: (frame) => connection.sendBacklog(frame),
    sendFrame: (frame) => connection.sendFrame(frame),
  });
  connection.joinRoom(room, leave);
  if (resume) connection.recordResume(decision.kind === 'replay');
}
