import { z } from 'zod';

/**
 * GET /todos (issue 13 item 6): what the caller's organisation has to do next, computed from the
 * existing tables in the caller's scope. Each item names the step, its subject, its deadline (null
 * when the step has none) and the client path where the step is done.
 */
export const TODO_KINDS = [
  'pay',
  'open_trip',
  'issue',
  'load',
  'depart',
  'arrive',
  'receive',
  'report_disposal',
  'approve_licence',
  'handle_alert',
] as const;
export type TTodoKind = (typeof TODO_KINDS)[number];

export const ZTodo = z.object({
  kind: z.enum(TODO_KINDS),
  subjectType: z.enum(['trade', 'manifest', 'licence', 'alert']),
  subjectId: z.string(),
  /** What the user recognises the subject by: a trade's material code, a manifest or licence number, an alert kind. */
  reference: z.string(),
  /** ISO instant; null when the step has no deadline. */
  deadline: z.string().nullable(),
  overdue: z.boolean(),
  /** The client path where the step is done (one click). */
  href: z.string(),
  createdAt: z.string(),
});
export type TTodo = z.infer<typeof ZTodo>;

export const ZTodos = z.object({ items: z.array(ZTodo) });
export type TTodos = z.infer<typeof ZTodos>;
