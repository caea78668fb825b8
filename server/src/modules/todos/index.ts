/** The todos module's public entry: the caller's computed to-do list (issue 13 item 6). */
export { createTodosService, type TodosService } from './service.js';
export { todosRoutes } from './routes.js';
