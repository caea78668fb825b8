import { useEffect } from 'react';
import { useLocation } from 'react-router';
import { translate, useI18n } from '../i18n';

/**
 * After each navigation (issue 13 item 9): the page title names the page — the text of its main
 * heading (h1), which every page has — and focus moves to that heading, so a screen reader starts
 * at the new page rather than at the link that was followed. Pages are lazy and load their data, so
 * the heading is awaited; the title follows the heading while it changes (a record's name arriving).
 * The first load keeps focus where the browser put it.
 */
let focusedPath: string | null = null;

export function useRouteFocus(): void {
  const location = useLocation();
  const { lang } = useI18n();

  useEffect(() => {
    const main = document.getElementById('main');
    if (!main) return;
    // Focus moves on a new path only: not on the first load, not when the language changes.
    let focused = focusedPath === null || focusedPath === location.pathname;
    focusedPath = location.pathname;
    const sync = () => {
      const h1 = main.querySelector('h1');
      if (!h1) return;
      const text = h1.textContent?.trim();
      const title = text ? translate(lang, 'route.title', { page: text }) : translate(lang, 'app.name');
      if (document.title !== title) document.title = title;
      if (!focused) {
        focused = true;
        if (!h1.hasAttribute('tabindex')) h1.setAttribute('tabindex', '-1');
        h1.focus({ preventScroll: false });
      }
    };
    sync();
    const observer = new MutationObserver(sync);
    observer.observe(main, { childList: true, subtree: true, characterData: true });
    return () => observer.disconnect();
  }, [location.pathname, lang]);
}
