/**
 * The one HTTP client for /api/v1. It keeps the access token in memory only (the refresh token is
 * an httpOnly cookie the browser sends to /auth/refresh), retries once after a refresh when a call
 * comes back 401, and turns every error body into an ApiError.
 */

import { createSharedRefresh, type LockManagerLike } from './refreshLock';

export const API_BASE = '/api/v1';

export interface FieldError {
  path: string;
  message: string;
}

/** An error from the API ({ error: { code, message, details }, requestId }) or from the network. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> | undefined,
    readonly requestId: string | undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get fields(): FieldError[] {
    const fields = this.details?.fields;
    return Array.isArray(fields) ? (fields as FieldError[]).filter((f) => typeof f?.path === 'string') : [];
  }

  /** The first message for a field path such as `org.uscc`. */
  fieldMessage(path: string): string | undefined {
    return this.fields.find((f) => f.path === path)?.message;
  }
}

let accessToken: string | null = null;
const expiryListeners = new Set<() => void>();

const tokenListeners = new Set<(token: string | null) => void>();

export function setAccessToken(token: string | null): void {
  if (token === accessToken) return;
  accessToken = token;
  for (const listener of tokenListeners) listener(token);
}

/** The current access token, for the socket.io handshake (the live feed authenticates with it too). */
export function getAccessToken(): string | null {
  return accessToken;
}

/** Called whenever the access token changes (sign-in, refresh, sign-out). Returns an unsubscribe function. */
export function onAccessTokenChange(listener: (token: string | null) => void): () => void {
  tokenListeners.add(listener);
  return () => tokenListeners.delete(listener);
}

export function hasAccessToken(): boolean {
  return accessToken !== null;
}

/** Called when a refresh fails after a 401: the session is over. Returns an unsubscribe function. */
export function onSessionExpired(listener: () => void): () => void {
  expiryListeners.add(listener);
  return () => expiryListeners.delete(listener);
}

type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Auth endpoints identify the web client so the server puts the refresh token in a cookie. */
  webClient?: boolean;
}

function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`;
}

async function send(method: string, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.webClient) headers['X-Client'] = 'web';
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  try {
    return await fetch(buildUrl(path, options.query), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', err instanceof Error ? err.message : 'network error', undefined, undefined);
  }
}

async function parse<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (res.ok) return body as T;
  const error = (body as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined)?.error;
  const requestId = (body as { requestId?: string } | undefined)?.requestId ?? res.headers.get('X-Request-Id') ?? undefined;
  throw new ApiError(
    res.status,
    error?.code ?? `HTTP_${res.status}`,
    error?.message ?? res.statusText,
    error?.details,
    requestId,
  );
}

/** One refresh request; the caller holds the cross-tab lock (see refreshLock.ts). */
async function refreshOnce(): Promise<boolean> {
  try {
    const res = await send('POST', '/auth/refresh', { body: {}, webClient: true });
    if (!res.ok) {
      setAccessToken(null);
      return false;
    }
    const body = (await res.json()) as { accessToken?: string };
    setAccessToken(body.accessToken ?? null);
    return !!body.accessToken;
  } catch {
    setAccessToken(null);
    return false;
  }
}

const sharedRefresh = createSharedRefresh(
  refreshOnce,
  typeof navigator !== 'undefined' && navigator.locks ? (navigator.locks as unknown as LockManagerLike) : null,
);

/**
 * Exchanges the refresh cookie for a new access token; false when there is no valid session.
 * Concurrent calls, in this tab and in other tabs, take turns (refreshLock.ts): the server rotates
 * the refresh token, so a parallel refresh with the old cookie would look like reuse and end the session.
 */
export function refreshSession(): Promise<boolean> {
  return sharedRefresh();
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const hadToken = accessToken !== null;
  const res = await send(method, path, options);
  if (res.status === 401 && hadToken && !path.startsWith('/auth/')) {
    if (await refreshSession()) return parse<T>(await send(method, path, options));
    for (const listener of expiryListeners) listener();
  }
  return parse<T>(res);
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'body'>) => request<T>('GET', path, options),
  post: <T>(path: string, body: unknown = {}, options?: Omit<RequestOptions, 'body'>) =>
    request<T>('POST', path, { ...options, body }),
  patch: <T>(path: string, body: unknown, options?: Omit<RequestOptions, 'body'>) =>
    request<T>('PATCH', path, { ...options, body }),
  put: <T>(path: string, body: unknown, options?: Omit<RequestOptions, 'body'>) => request<T>('PUT', path, { ...options, body }),
  delete: <T>(path: string, options?: Omit<RequestOptions, 'body'>) => request<T>('DELETE', path, options),
};
