import { api } from '../../lib/api';
import type { TAuthResponse, TMe, TRegisterRequest } from '../../../../shared/src/schemas/auth.js';

// Types only: the zod schemas themselves stay on the server, out of the browser bundle.
export type Me = TMe;
export type RegisterBody = TRegisterRequest;
export type CreditLevel = NonNullable<TMe['creditLevel']>;

export const authApi = {
  register: (body: RegisterBody) => api.post<TAuthResponse>('/auth/register', body, { webClient: true }),
  login: (email: string, password: string) => api.post<TAuthResponse>('/auth/login', { email, password }, { webClient: true }),
  logout: () => api.post<void>('/auth/logout', {}, { webClient: true }),
  me: () => api.get<Me>('/me'),
  /** Every session ends on the server; the response is this tab's new session. */
  changePassword: (currentPassword: string, newPassword: string) =>
    api.post<TAuthResponse>('/auth/password', { currentPassword, newPassword }, { webClient: true }),
};
