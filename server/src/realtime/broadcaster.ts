/** Emits an event to a socket.io room: the io server in an API process, a Redis emitter in a worker. */
export interface Broadcaster {
  emit(room: string, event: string, payload: Record<string, unknown>): void;
}
