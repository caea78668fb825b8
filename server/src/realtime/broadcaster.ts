/**
 * Emits an event to a socket.io room: to this process's sockets without Redis, through Redis with it
 * (emitter.ts). A promise that rejects means the event was not handed on and its job must retry;
 * with Redis it resolves with the number of API processes' adapters that received it.
 */
export interface Broadcaster {
  /** `except`: leave out the sockets in that room (FrameRooms: the sockets that take the other kind of frame). */
  emit(room: string, event: string, payload: Record<string, unknown>, except?: string): Promise<number | undefined> | void;
}
