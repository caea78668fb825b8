import { api } from '../../lib/api';
import type { TTodo, TTodos } from '../../../../shared/src/schemas/todos.js';

export type Todo = TTodo;

/** Query keys (lib/query.ts); trade, manifest and alert events invalidate ['todos'] (realtime/liveKeys.ts). */
export const todoKeys = { all: ['todos'] as const };

export const todosApi = {
  list: (signal?: AbortSignal) => api.get<TTodos>('/todos', { signal }),
};
