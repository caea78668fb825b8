import { route } from '../../http/route.js';
import { ZTodos } from '../../../../shared/src/schemas/todos.js';
import type { TodosService } from './service.js';

export function todosRoutes({ todos }: { todos: TodosService }) {
  return [
    route({
      key: 'GET /todos',
      summary:
        "The caller's to-do list: payments, trips to open, manifest steps with deadlines, pending licences and open alerts in scope",
      tags: ['todos'],
      response: ZTodos,
      handle: ({ actor }) => todos.list(actor),
    }),
  ];
}
