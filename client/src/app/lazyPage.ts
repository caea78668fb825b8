import { lazy, type ComponentType } from 'react';

const RELOADED = 'zwx:chunk-reload';

/**
 * A route's page as its own chunk (React.lazy over a named export). A chunk that fails to load is
 * most often one a newer deploy removed while this tab was open: reload once to get the new app shell
 * (index.html is never cached); a second failure is a real one and reaches the error.
 */
export function lazyPage<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return lazy(async () => {
    try {
      const page = (await load())[name];
      sessionStorage.removeItem(RELOADED);
      return { default: page };
    } catch (err) {
      if (!sessionStorage.getItem(RELOADED)) {
        sessionStorage.setItem(RELOADED, '1');
        window.location.reload();
        return new Promise<never>(() => {});
      }
      throw err;
    }
  });
}
