/**
 * Emits an event to a socket.io room: to this process's sockets without Redis, through Redis with it
 * (emitter.ts). A promise that rejects means the event was not handed on and its job must retry;
 * with Redis it resolves with the number of API processes' adapters that received it.
 */
export interface Broadcaster {
  emit(room: string, event: string, payload: Record<string, unknown>): Promise<number | undefined> | void;
}
